package dev.palisade.cli;

import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.AuditLog;
import dev.palisade.auth.AuditRecord;
import dev.palisade.auth.ChainVerification;
import dev.palisade.auth.CreatedIdentity;
import dev.palisade.auth.Credential;
import dev.palisade.auth.Fingerprint;
import dev.palisade.auth.Identity;
import dev.palisade.auth.IdentityId;
import dev.palisade.auth.IdentityStore;
import dev.palisade.auth.IdentityType;
import dev.palisade.auth.NewIdentity;
import dev.palisade.auth.Operator;
import dev.palisade.auth.OperatorId;
import dev.palisade.auth.Scopes;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.store.Database;
import dev.palisade.server.access.AccessControl;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code palisade operator|identity|audit}: who may use the signer, and what it did. */
final class AccessCommands {
  private AccessCommands() {}

  /** Opens the identity store on the same database the signer uses. */
  private static <T> T withStore(StoreOptions store, StoreWork<IdentityStore, T> work) throws Exception {
    try (Database database = KeysCommands.openDatabase(store);
        IdentityStore identities = IdentityStore.open(database.dataSource(), database.dialect())) {
      return work.run(identities);
    }
  }

  /**
   * Applies a change with the identity store and writes its audit row (made from the result; null
   * for none) before returning: lifecycle changes made with the CLI are audited like the API's.
   */
  private static <T> T change(
      StoreOptions store, StoreWork<IdentityStore, T> work, java.util.function.Function<T, AuditEntry> row)
      throws Exception {
    try (Database database = KeysCommands.openDatabase(store);
        IdentityStore identities = IdentityStore.open(database.dataSource(), database.dialect())) {
      T result = work.run(identities);
      AuditEntry entry = row.apply(result);
      if (entry != null) {
        AuditLog.open(database.dataSource(), database.dialect()).append(entry);
      }
      return result;
    }
  }

  /** An audit row of a change made with the local CLI, by the operating-system user. */
  private static AuditEntry cliChange(String operator, String event, String detail) {
    String user = PolicyStores.cliUser();
    return new AuditEntry(java.time.Instant.now(), user, operator, null, event, null, null,
        dev.palisade.auth.AuditDecision.CHANGED, detail + " (by " + user + ")");
  }

  @FunctionalInterface
  private interface StoreWork<S, T> {
    T run(S store) throws Exception;
  }

  @Command(
      name = "operator",
      mixinStandardHelpOptions = true,
      description = "Operators (tenants): each key and each identity belongs to one.",
      subcommands = {OperatorCommand.Create.class, OperatorCommand.ListOperators.class})
  static final class OperatorCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an operator.")
    static final class Create implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin StoreOptions store;

      @Option(names = "--config-file", description = "YAML file of option values")
      Path configFile;

      @Parameters(paramLabel = "NAME", description = "letters, digits, '-', '_', '.'")
      String name;

      @Override
      public Integer call() throws Exception {
        Operator operator = change(store, identities -> identities.createOperator(OperatorId.of(name)),
            created -> cliChange(created.id().value(), "OPERATOR_CREATE", "operator " + created.id() + " created"));
        spec.commandLine().getOut().println("Created operator " + operator.id());
        return 0;
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List operators.")
    static final class ListOperators implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin StoreOptions store;

      @Option(names = "--config-file", description = "YAML file of option values")
      Path configFile;

      @Override
      public Integer call() throws Exception {
        List<Operator> operators = withStore(store, IdentityStore::listOperators);
        operators.forEach(operator -> spec.commandLine().getOut().println(operator.id()));
        return 0;
      }
    }
  }

  @Command(
      name = "identity",
      mixinStandardHelpOptions = true,
      description = "Identities: who may call the signer (certificate, token, basic, network) and with which scopes.",
      subcommands = {IdentityCommand.Create.class, IdentityCommand.ListIdentities.class, IdentityCommand.Revoke.class,
          TotpCommands.class})
  static final class IdentityCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = {
          "Create an identity of an operator, with scopes.",
          "Scopes: sign:block, sign:attestation, sign:aggregate, sign:sync, sign:randao, sign:registration,",
          "sign:exit, sign:deposit, validate (every routine duty: not exit, not deposit), keys:read,",
          "keys:write, slashing:read, slashing:write, admin.",
          "A token or basic secret is printed once and stored only as a hash."
        })
    static final class Create implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin StoreOptions store;

      @Option(names = "--config-file", description = "YAML file of option values")
      Path configFile;

      @Option(names = "--name", required = true, description = "Identity name (the user name for basic)")
      String name;

      @Option(names = "--type", required = true, description = "cert, token, basic or network")
      String type;

      @Option(names = "--operator", required = true,
          description = "The operator the identity belongs to (it sees and signs only that operator's keys)")
      String operator;

      @Option(names = "--scopes", required = true, description = "Comma-separated, e.g. validate")
      String scopes;

      @Option(names = "--cert-file", description = "cert: the client certificate (PEM) to pin by SHA-256 fingerprint")
      Path certFile;

      @Option(names = "--cert-fingerprint", description = "cert: SHA-256 fingerprint of the client certificate")
      String certFingerprint;

      @Option(names = "--ca-file", description = "cert: the issuing CA (PEM); with --subject")
      Path caFile;

      @Option(names = "--subject", description = "cert: the client certificate's subject DN (Java/RFC 2253 order)")
      String subject;

      @Option(names = "--cidr", split = ",", description = "network: addresses or CIDRs")
      List<String> cidrs;

      @Option(names = "--keys", split = ",", description = "Limit the identity to these public keys")
      List<String> keys;

      @Override
      public Integer call() throws Exception {
        Credential credential = credential(IdentityType.parse(type));
        NewIdentity request =
            new NewIdentity(
                IdentityId.of(name),
                OperatorId.of(operator),
                credential,
                Scopes.parse(scopes),
                keys == null
                    ? Optional.empty()
                    : Optional.of(keys.stream().map(BlsPublicKey::fromHex).collect(Collectors.toSet())));
        CreatedIdentity created = change(store, identities -> identities.createIdentity(request),
            made -> cliChange(made.identity().operator().value(), "IDENTITY_CREATE", "identity "
                + made.identity().id() + " created (" + type + ", scopes " + made.identity().scopes().toWire() + ")"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("Created identity " + created.identity().id() + " (" + type + ", operator " + operator
            + ", scopes " + created.identity().scopes().toWire() + ")");
        created.secret().ifPresent(secret -> {
          out.println("Secret (shown once, stored only as a hash): " + secret.reveal());
          if (credential instanceof Credential.BasicSecret) {
            out.println("Validator client URL form: https://" + name + ":<secret>@<palisade-host>:9000");
          } else {
            out.println("Send it as: Authorization: Bearer <secret>");
          }
        });
        return 0;
      }

      /** Certificates given as files are reduced to fingerprints, as the admin API takes them. */
      private Credential credential(IdentityType identityType) throws Exception {
        String pinned = certFile != null ? Fingerprint.of(readCertificate(certFile)).hex() : certFingerprint;
        String ca = caFile != null ? Fingerprint.of(readCertificate(caFile)).hex() : null;
        return AccessControl.credential(identityType, pinned, ca, subject, cidrs);
      }

      private static X509Certificate readCertificate(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
          return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List identities (never secrets).")
    static final class ListIdentities implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin StoreOptions store;

      @Option(names = "--config-file", description = "YAML file of option values")
      Path configFile;

      @Override
      public Integer call() throws Exception {
        List<Identity> identities = withStore(store, IdentityStore::listIdentities);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-24s %-8s %-16s %-10s %s%n", "NAME", "TYPE", "OPERATOR", "STATUS", "SCOPES");
        for (Identity identity : identities) {
          out.printf("%-24s %-8s %-16s %-10s %s%n", identity.id(), identity.type().wireName(),
              identity.operator(), identity.isRevoked() ? "revoked" : "active", identity.scopes().toWire());
        }
        return 0;
      }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Revoke an identity; every instance sharing the database refuses it within a second.")
    static final class Revoke implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin StoreOptions store;

      @Option(names = "--config-file", description = "YAML file of option values")
      Path configFile;

      @Parameters(paramLabel = "NAME")
      String name;

      @Override
      public Integer call() throws Exception {
        IdentityId id = IdentityId.of(name);
        String[] operatorOf = {null};
        boolean revoked = change(store, identities -> {
          identities.findIdentity(id).ifPresent(identity -> operatorOf[0] = identity.operator().value());
          return identities.revokeIdentity(id);
        }, done -> done ? cliChange(operatorOf[0], "IDENTITY_REVOKE", "identity " + id + " revoked") : null);
        if (!revoked) {
          spec.commandLine().getErr().println("palisade: no active identity named " + name);
          return 1;
        }
        spec.commandLine().getOut().println("Revoked identity " + name);
        return 0;
      }
    }
  }

  @Command(
      name = "audit",
      mixinStandardHelpOptions = true,
      description = "The hash-chained audit log of every signature and refusal.",
      subcommands = {AuditCommand.Verify.class, AuditCommand.Tail.class})
  static final class AuditCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static <T> T withLog(StoreOptions store, StoreWork<AuditLog, T> work) throws Exception {
      try (Database database = KeysCommands.openDatabase(store)) {
        return work.run(AuditLog.open(database.dataSource(), database.dialect()));
      }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check the hash chain; exit 1 and name the first broken row if a row was deleted or altered.")
    static final class Verify implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin StoreOptions store;

      @Option(names = "--config-file", description = "YAML file of option values")
      Path configFile;

      @Override
      public Integer call() throws Exception {
        ChainVerification verification = withLog(store, AuditLog::verify);
        if (verification.isIntact()) {
          spec.commandLine().getOut().println("Audit log intact: " + verification.rowsChecked() + " rows verified");
          return 0;
        }
        ChainVerification.Break broken = verification.firstBreak().get();
        spec.commandLine().getErr().println("palisade: audit log BROKEN at row " + broken.seq() + " ("
            + broken.kind() + "): " + broken.detail());
        return 1;
      }
    }

    @Command(name = "tail", mixinStandardHelpOptions = true, description = "Show the most recent audit rows.")
    static final class Tail implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin StoreOptions store;

      @Option(names = "--config-file", description = "YAML file of option values")
      Path configFile;

      @Option(names = {"-n", "--rows"}, defaultValue = "20", description = "How many of the last rows. Default: ${DEFAULT-VALUE}")
      int rows;

      @Override
      public Integer call() throws Exception {
        List<AuditRecord> records = withLog(store, log -> log.tail(rows));
        PrintWriter out = spec.commandLine().getOut();
        for (AuditRecord record : records) {
          var e = record.entry();
          out.printf("%d %s %s %s/%s %s %s slot=%s epoch=%s %s%n", record.seq(), e.time(), e.decision(),
              e.operator(), e.identity(), e.key() == null ? "-" : e.key(), e.signingType(),
              e.slot() == null ? "-" : Long.toUnsignedString(e.slot()),
              e.epoch() == null ? "-" : Long.toUnsignedString(e.epoch()), e.reason());
        }
        return 0;
      }
    }
  }
}
