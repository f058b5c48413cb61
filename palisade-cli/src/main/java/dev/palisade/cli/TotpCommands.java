package dev.palisade.cli;

import dev.palisade.auth.AuditLog;
import dev.palisade.auth.Identity;
import dev.palisade.auth.IdentityId;
import dev.palisade.auth.IdentityStore;
import dev.palisade.auth.TotpEnrollment;
import dev.palisade.auth.TotpStore;
import dev.palisade.server.keys.OperatorKeks;
import dev.palisade.server.totp.ApproverTotp;
import dev.palisade.store.Database;
import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code palisade identity totp enroll|confirm|status|remove --name NAME}: an approver's TOTP second
 * factor through the server's {@link ApproverTotp} (the same checks and audit rows as the admin API),
 * as the local CLI user, who acts as an admin. The secret is sealed under the identity's operator KEK,
 * so enroll and confirm need that KEK's options.
 */
@Command(
    name = "totp",
    mixinStandardHelpOptions = true,
    description = "An approver's TOTP second factor (RFC 6238): enroll, confirm with the first code, status, remove.",
    subcommands = {TotpCommands.Enroll.class, TotpCommands.Confirm.class, TotpCommands.Status.class,
        TotpCommands.Remove.class})
final class TotpCommands implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @FunctionalInterface
  interface Work {
    void run(ApproverTotp totp, ApproverTotp.Actor actor) throws Exception;
  }

  /**
   * Opens the database and, when {@code needsKek} and {@code identity} exists, its operator's KEK
   * (creating a sealed-file KEK when {@code creating}); every step is audited as the CLI user.
   */
  static void with(StoreOptions store, KekOptions kek, String identity, boolean needsKek, boolean creating, Work work)
      throws Exception {
    try (Database database = KeysCommands.openDatabase(store);
        IdentityStore identities = IdentityStore.open(database.dataSource(), database.dialect());
        OperatorKeks keks = openKeks(store, kek, database, identities, identity, needsKek, creating)) {
      AuditLog audit = AuditLog.open(database.dataSource(), database.dialect());
      ApproverTotp totp = new ApproverTotp(new TotpStore(database.dataSource()), identities, keks, Clock.systemUTC(),
          PolicyStores.viaCli(audit));
      work.run(totp, ApproverTotp.Actor.localCli(PolicyStores.cliUser()));
    }
  }

  /** Whether {@code identity} has a confirmed enrollment (so a vote needs its operator's KEK and a code). */
  static boolean enrolled(Database database, String identity) {
    return new TotpStore(database.dataSource()).find(IdentityId.of(identity)).filter(TotpEnrollment::confirmed)
        .isPresent();
  }

  static OperatorKeks openKeks(StoreOptions store, KekOptions kek, Database database, IdentityStore identities,
      String identity, boolean needsKek, boolean creating) {
    if (!needsKek) {
      return OperatorKeks.ephemeral();
    }
    String operator = identities.findIdentity(IdentityId.of(identity)).map(Identity::operator)
        .map(dev.palisade.auth.OperatorId::value).orElse(null);
    if (operator == null || "root".equals(operator)) {
      return OperatorKeks.ephemeral(); // ApproverTotp answers "no identity" / "KEK not unlocked"
    }
    return OperatorKeks.open(Map.of(operator, kek.config(store.dataPath, creating, operator)), database);
  }

  /** The code from --totp, else asked for on the terminal; null when there is neither. */
  static String codeOrPrompt(String given, String identity) {
    if (given != null) {
      return given;
    }
    Console console = System.console();
    return console == null ? null : console.readLine("TOTP code of %s: ", identity);
  }

  abstract static class Step implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;

    @Option(names = "--config-file", description = "YAML file of option values")
    Path configFile;

    @Option(names = "--name", required = true, description = "The approver identity")
    String name;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }
  }

  @Command(name = "enroll", mixinStandardHelpOptions = true,
      description = "Make a new secret, sealed under the identity's operator KEK; prints it ONCE (otpauth URI and"
          + " Base32). Required on votes only after `confirm`.")
  static final class Enroll extends Step {
    @Mixin KekOptions kek;

    @Override
    public Integer call() throws Exception {
      with(store, kek, name, true, true, (totp, actor) -> {
        ApproverTotp.Enrollment enrollment = totp.enroll(actor, name);
        out().println("Add this to the authenticator app of " + name + " (shown once, not stored in clear):");
        out().println("  " + enrollment.otpauthUri());
        out().println("  secret (Base32): " + enrollment.base32Secret());
        out().println("Then: palisade identity totp confirm --name " + name + " --totp <code the app shows>");
      });
      out().flush();
      return 0;
    }
  }

  @Command(name = "confirm", mixinStandardHelpOptions = true,
      description = "Confirm a pending enrollment with the first code; from then on each vote needs a code.")
  static final class Confirm extends Step {
    @Mixin KekOptions kek;

    @Option(names = "--totp", description = "The 6-digit code (asked for when omitted)")
    String code;

    @Override
    public Integer call() throws Exception {
      with(store, kek, name, true, false, (totp, actor) -> totp.confirm(actor, name, codeOrPrompt(code, name)));
      out().println("TOTP of " + name + " confirmed: each of its approve/deny votes now needs a code");
      out().flush();
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "none, pending or confirmed.")
  static final class Status extends Step {
    @Override
    public Integer call() throws Exception {
      with(store, null, name, false, false, (totp, actor) -> out().println(name + ": " + totp.status(actor, name)));
      out().flush();
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove the identity's enrollment (pending or confirmed), e.g. after a lost phone; audited.")
  static final class Remove extends Step {
    @Override
    public Integer call() throws Exception {
      with(store, null, name, false, false, (totp, actor) -> totp.remove(actor, name));
      out().println("TOTP of " + name + " removed");
      out().flush();
      return 0;
    }
  }
}
