package dev.palisade.cli;

import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.AuditLog;
import dev.palisade.auth.IdentityStore;
import dev.palisade.evm.Address;
import dev.palisade.server.access.AccessControl;
import dev.palisade.store.Database;
import dev.palisade.server.keys.Actor;
import dev.palisade.server.keys.EvmKeys;
import dev.palisade.server.keys.KeyRegistry;
import dev.palisade.server.keys.OperatorKeks;
import dev.palisade.vault.InProcessVault;
import dev.palisade.crypto.KeystorePasswords;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * secp256k1 (EVM) keys from the command line: generated in this process's vault or imported from
 * Web3 Secret Storage v3 keystores, both through the server's {@link KeyRegistry} (ownership, sealing
 * under the operator's KEK, audit) exactly as the admin API does. The secret is never printed.
 */
final class EvmKeysCommands {
  static final String TYPE_BLS = "bls12-381";
  static final String TYPE_SECP256K1 = "secp256k1";

  private EvmKeysCommands() {}

  @FunctionalInterface
  interface Work {
    void run(KeyRegistry registry, Actor actor) throws Exception;
  }

  /**
   * Opens the database, the operator's KEK and a registry over a vault that lives for this command:
   * the CLI brings keys in through the same {@link KeyRegistry} as the API. The default operator is
   * created when missing (as `palisade run` does), so keys can be imported before the first start.
   */
  static void withRegistry(StoreOptions store, KekOptions kek, String operator, Work work) throws Exception {
    if ("root".equals(operator)) {
      throw new IllegalArgumentException("--operator root: the root operator administers; it holds no keys");
    }
    try (Database database = KeysCommands.openDatabase(store);
        OperatorKeks keks = OperatorKeks.open(Map.of(operator, kek.config(store.dataPath, true, operator)), database);
        IdentityStore identities = IdentityStore.open(database.dataSource(), database.dialect());
        InProcessVault vault = new InProcessVault()) {
      dev.palisade.auth.OperatorId owner = dev.palisade.auth.OperatorId.of(operator);
      if (identities.listOperators().stream().noneMatch(o -> o.id().equals(owner))) {
        if (!owner.equals(AccessControl.DEFAULT_OPERATOR)) {
          throw new IllegalArgumentException("operator '" + operator + "' does not exist: create it with"
              + " `palisade operator create " + operator + "`");
        }
        identities.createOperator(owner);
      }
      AuditLog audit = AuditLog.open(database.dataSource(), database.dialect());
      KeyRegistry registry = new KeyRegistry(vault, vault, null, identities, keks,
          (actor, key, event, detail) -> audit.append(new AuditEntry(Instant.now(), actor.name(),
              actor.operator().value(), key, event, null, null, AuditDecision.CHANGED, detail)));
      work.run(registry, new Actor("cli", owner));
    }
  }

  /** {@code keys import --type secp256k1}: every *.json in the directory; exit 1 if any failed. */
  static int importDirectory(CommandSpec spec, StoreOptions store, KekOptions kek, String operator, Path dir,
      KeystorePasswords passwords) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    int[] failed = {0};
    withRegistry(store, kek, operator, (registry, actor) -> {
      EvmKeys keys = registry.evm();
      List<Path> files;
      try (Stream<Path> listing = Files.list(dir)) {
        files = listing.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
      }
      for (Path file : files) {
        try {
          Address address = keys.importKeystore(actor, Files.readString(file), passwords.passwordFor(file));
          out.printf("  imported  %s  %s%n", address, file.getFileName());
        } catch (EvmKeys.EvmKeyException | java.io.IOException | dev.palisade.crypto.KeystoreException e) {
          failed[0]++;
          out.printf("  failed    %s: %s%n", file.getFileName(), e.getMessage());
        }
      }
    });
    out.println("A running signer picks new keys up when restarted (or import through POST /admin/v1/evm/keys).");
    out.flush();
    return failed[0] == 0 ? 0 : 1;
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Generate a key inside the vault, seal it under the operator's KEK; prints only its address.")
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;
    @Mixin KekOptions kek;

    @Option(names = "--config-file", description = "YAML file of option values")
    Path configFile;

    @Option(names = "--type", required = true, description = "Key type: secp256k1 (EVM accounts)")
    String type;

    @Option(names = "--operator", defaultValue = "default", description = "Owner of the key. Default: ${DEFAULT-VALUE}")
    String operator;

    @Override
    public Integer call() throws Exception {
      if (!TYPE_SECP256K1.equals(type)) {
        throw new IllegalArgumentException("--type: only secp256k1 keys are generated here (BLS keys come from"
            + " EIP-2335 keystores)");
      }
      withRegistry(store, kek, operator, (registry, actor) ->
          spec.commandLine().getOut().println("Generated " + registry.evm().generate(actor)));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
