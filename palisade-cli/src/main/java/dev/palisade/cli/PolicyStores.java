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
      String user = cliUser();
      // approval steps taken here are the named identity's, done through the local CLI by this user
      ApprovalStore approvals = new ApprovalStore(database.dataSource(), Clock.systemUTC(), entry -> audit.append(
          new AuditEntry(entry.time(), entry.identity(), entry.operator(), entry.key(), entry.signingType(), entry.slot(),
              entry.epoch(), entry.decision(), entry.reason() + " (via " + user + ")")));
      PolicyEngine engine = new PolicyEngine(
          PolicyStore.open(database.dataSource(), database.dialect(), RuleRegistry.builtIn()),
          new CounterStore(database.dataSource(), Clock.systemUTC()), approvals);
      return new PolicyStores(database, engine, IdentityStore.open(database.dataSource(), database.dialect()), audit);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
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
