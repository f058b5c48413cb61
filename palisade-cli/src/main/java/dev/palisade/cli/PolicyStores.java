package dev.palisade.cli;

import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.AuditLog;
import dev.palisade.auth.IdentityStore;
import dev.palisade.policy.ApprovalStore;
import dev.palisade.policy.CounterStore;
import dev.palisade.policy.PolicyEngine;
import dev.palisade.policy.PolicyStore;
import dev.palisade.policy.RuleRegistry;
import dev.palisade.store.Database;
import java.time.Clock;

/** The policy engine, identities and audit log on the database the signer uses, for one CLI command. */
record PolicyStores(Database database, PolicyEngine engine, IdentityStore identities, AuditLog audit) implements AutoCloseable {

  static PolicyStores open(StoreOptions store) {
    Database database = KeysCommands.openDatabase(store);
    try {
      AuditLog audit = AuditLog.open(database.dataSource(), database.dialect());
      ApprovalStore approvals = new ApprovalStore(database.dataSource(), Clock.systemUTC(), viaCli(audit));
      PolicyEngine engine = new PolicyEngine(
          PolicyStore.open(database.dataSource(), database.dialect(), RuleRegistry.builtIn()),
          new CounterStore(database.dataSource(), Clock.systemUTC()), approvals);
      return new PolicyStores(database, engine, IdentityStore.open(database.dataSource(), database.dialect()), audit);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /**
   * The TOTP check of a vote cast here (with {@code requiredByPolicy} from {@link dev.palisade.policy.ApproverPolicy}) ({@link dev.palisade.server.totp.ApproverTotp#checkVote}); the
   * operator's KEK is opened only for an approver that has enrolled, as its secret needs it.
   */
  void checkTotp(StoreOptions store, KekOptions kek, dev.palisade.auth.Identity voter, String code,
      boolean requiredByPolicy) {
    boolean enrolled = TotpCommands.enrolled(database, voter.id().value());
    try (dev.palisade.server.keys.OperatorKeks keks =
        TotpCommands.openKeks(store, kek, database, identities, voter.id().value(), enrolled, false)) {
      new dev.palisade.server.totp.ApproverTotp(new dev.palisade.auth.TotpStore(database.dataSource()), identities,
          keks, Clock.systemUTC(), viaCli(audit))
          .checkVote(voter, enrolled ? TotpCommands.codeOrPrompt(code, voter.id().value()) : code, requiredByPolicy);
    }
  }

  /** Steps taken here are the named identity's (or the CLI user's), done through the local CLI by this user. */
  static java.util.function.Consumer<AuditEntry> viaCli(AuditLog audit) {
    String user = cliUser();
    return entry -> audit.append(new AuditEntry(entry.time(), entry.identity(), entry.operator(), entry.key(),
        entry.signingType(), entry.slot(), entry.epoch(), entry.decision(), entry.reason() + " (via " + user + ")"));
  }

  static String cliUser() {
    return "cli:" + System.getProperty("user.name", "unknown");
  }

  @Override
  public void close() {
    identities.close();
    database.close();
  }
}
