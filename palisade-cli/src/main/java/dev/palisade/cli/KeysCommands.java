package dev.palisade.cli;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.server.NodeStorage;
import dev.palisade.store.Database;
import dev.palisade.server.keys.SealedKeys;
import dev.palisade.server.keys.SealedKeysConfig;
import dev.palisade.vault.kek.KekException;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.PassphraseSource;
import dev.palisade.vault.kek.ScryptParams;
import dev.palisade.vault.kek.SealedFileKek;
import dev.palisade.server.keys.BulkKeystoreImport;
import dev.palisade.server.keys.ImportProgress;
import dev.palisade.server.keys.ImportSummary;
import dev.palisade.vault.keys.KekRotation;
import dev.palisade.crypto.KdfLimiter;
import dev.palisade.crypto.KeystorePasswords;
import dev.palisade.crypto.ParallelKeystoreDecryptor;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKeyException;
import dev.palisade.vault.store.SealedKeyStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code palisade keys import|list|delete} and {@code palisade kek rotate}: sealed keys of the
 * default operator in the signer's database (SQLite in --data-path, or PostgreSQL), wrapped by the
 * operator's KEK: the sealed-file KEK {@code <data-path>/kek.sealed} by default, or a PKCS#11 token
 * or AWS KMS key ({@code --kek-provider}).
 */
final class KeysCommands {
  private static final OperatorId OPERATOR = OperatorId.DEFAULT;

  private KeysCommands() {}

  /** The signer's database, opened and migrated as {@code palisade run} opens it. */
  static Database openDatabase(StoreOptions store) {
    return NodeStorage.open(store.slashingConfig(), store.dataPath);
  }

  @Command(
      name = "keys",
      mixinStandardHelpOptions = true,
      description = "Sealed signing keys: stored encrypted in the database, opened only by the vault.",
      subcommands = {KeysCommand.Import.class, KeysCommand.ListKeys.class, KeysCommand.Delete.class,
          EvmKeysCommands.Generate.class})
  static final class KeysCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
          "Decrypt EIP-2335 keystores in parallel and store them as sealed keys.",
          "The first import creates the KEK <data-path>/kek.sealed under the given passphrase (or, with",
          "--kek-provider pkcs11, a non-extractable AES key in the token; aws-kms uses the given KMS key).",
          "Keystore passwords are never stored. A wrong password or a corrupt keystore is reported and",
          "imports nothing for that file. Exit code 1 if any file failed."
        })
    static final class Import implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin StoreOptions store;
      @Mixin KekOptions kek;

      @Option(names = "--config-file", description = "YAML file of option values")
      Path configFile;

      @Option(names = "--keystores-path", required = true, description = "Directory of EIP-2335 keystores (*.json)")
      Path keystoresPath;

      @Option(names = "--type", defaultValue = EvmKeysCommands.TYPE_BLS,
          description = "bls12-381 (EIP-2335 keystores) or secp256k1 (Web3 Secret Storage v3). Default: ${DEFAULT-VALUE}")
      String type;

      @Option(
          names = "--keystores-passwords-path",
          description = "Directory with one <name>.txt password per <name>.json keystore")
      Path keystoresPasswordsPath;

      @Option(names = "--keystores-password-file", description = "One password file for every keystore")
      Path keystoresPasswordFile;

      @Option(names = "--parallelism", description = "Keystores decrypted at once. Default: the number of cores")
      Integer parallelism;

      @Option(
          names = "--operator",
          defaultValue = "default",
          description = "The operator the keys belong to, for good: they are sealed under its own KEK"
              + " (kek-OPERATOR.sealed for an operator other than default). Default: ${DEFAULT-VALUE}")
      String operator;

      @Override
      public Integer call() throws Exception {
        if ((keystoresPasswordsPath == null) == (keystoresPasswordFile == null)) {
          throw new IllegalArgumentException(
              "give exactly one of --keystores-passwords-path and --keystores-password-file");
        }
        if (!Files.isDirectory(keystoresPath)) {
          throw new IllegalArgumentException("--keystores-path " + keystoresPath + " is not a directory");
        }
        if (keystoresPasswordFile != null) {
          OptionFiles.requireReadable("--keystores-password-file", keystoresPasswordFile);
        }
        KeystorePasswords passwords =
            keystoresPasswordFile != null
                ? KeystorePasswords.sharedFile(keystoresPasswordFile)
                : KeystorePasswords.perKeystoreIn(keystoresPasswordsPath);
        if (EvmKeysCommands.TYPE_SECP256K1.equals(type)) {
          return EvmKeysCommands.importDirectory(spec, store, kek, operator, keystoresPath, passwords);
        } else if (!EvmKeysCommands.TYPE_BLS.equals(type)) {
          throw new IllegalArgumentException("--type must be bls12-381 or secp256k1");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ImportSummary[] summary = new ImportSummary[1];
        ParallelKeystoreDecryptor decryptor = new ParallelKeystoreDecryptor(
            parallelism != null ? parallelism : Runtime.getRuntime().availableProcessors(), KdfLimiter.shared());
        List<Path> files = ParallelKeystoreDecryptor.keystoreFiles(keystoresPath);
        EvmKeysCommands.withRegistry(store, kek, operator, (registry, actor) -> {
          ProgressBar bar = new ProgressBar(err);
          summary[0] = new BulkKeystoreImport(registry, decryptor).importFiles(actor, files, passwords, bar);
          bar.finish();
        });
        return report(out, summary[0]);
      }

      private static int report(PrintWriter out, ImportSummary summary) {
        out.printf(
            "Imported %d key(s), %d duplicate(s), %d failed, in %.1f s%n",
            summary.imported().size(), summary.duplicates().size(), summary.failures().size(),
            summary.elapsed().toMillis() / 1000.0);
        summary.imported().forEach(k -> out.printf("  imported  %s  %s%n", k.publicKey(), k.file().getFileName()));
        summary.duplicates().forEach(k -> out.printf("  duplicate %s  %s%n", k.publicKey(), k.file().getFileName()));
        summary.failures().forEach(
            f -> out.printf("  failed    %s: %s: %s%n", f.file().getFileName(), f.reason(), f.message()));
        if (!summary.imported().isEmpty()) {
          out.println("A running signer picks new keys up when restarted (or import through the Keymanager API).");
        }
        out.flush();
        return summary.failures().isEmpty() ? 0 : 1;
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the sealed keys (public keys and their KEK).")
    static final class ListKeys implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin StoreOptions store;

      @Option(names = "--config-file", description = "YAML file of option values")
      Path configFile;

      @Option(names = "--operator", defaultValue = "default", description = "Whose keys. Default: ${DEFAULT-VALUE}")
      String operator;

      @Override
      public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        OperatorId owner = new OperatorId(operator);
        try (Database database = openDatabase(store)) {
          SealedKeyStore keys = SealedKeys.store(database);
          long[] count = {0};
          keys.forEach(owner, record -> {
            out.printf("%s  %s%n", record.publicKey(), record.kekId());
            count[0]++;
          });
          out.printf("%d sealed key(s) of operator %s%n", count[0], owner);
          for (var record : new dev.palisade.vault.store.SealedEvmKeyStore(keys).list(owner)) {
            out.printf("%s  %s  secp256k1%n", record.address(), record.kekId());
          }
        }
        out.flush();
        return 0;
      }
    }

    @Command(
        name = "delete",
        mixinStandardHelpOptions = true,
        description = {
          "Delete a sealed key for good; its slashing history is kept.",
          "Keep a keystore backup. A running signer keeps signing with it until it reloads (POST /reload,",
          "SIGHUP) or restarts: to stop one at once, use DELETE /eth/v1/keystores."
        })
    static final class Delete implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin StoreOptions store;

      @Option(names = "--config-file", description = "YAML file of option values")
      Path configFile;

      @Parameters(paramLabel = "PUBKEY", description = "0x-prefixed BLS public key")
      String pubkey;

      @Override
      public Integer call() throws Exception {
        BlsPublicKey key;
        try {
          key = BlsPublicKey.fromHex(pubkey);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("not a BLS public key: " + pubkey);
        }
        boolean deleted;
        try (Database database = openDatabase(store)) {
          deleted = SealedKeys.store(database).delete(key);
        }
        if (!deleted) {
          spec.commandLine().getErr().println("palisade: no sealed key " + key);
          return 1;
        }
        spec.commandLine().getOut().println("Deleted sealed key " + key + " (slashing history kept)");
        return 0;
      }
    }
  }

  @Command(
      name = "kek",
      mixinStandardHelpOptions = true,
      description = "The key-wrapping key (KEK) that seals every signing key's data key.",
      subcommands = {KekCommand.Rotate.class})
  static final class KekCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
        name = "rotate",
        mixinStandardHelpOptions = true,
        description = {
          "Move every sealed key to a new sealed-file KEK under a new passphrase.",
          "Each data key is rewrapped (key ciphertexts are not touched, no clear key exists), then the",
          "new KEK replaces <data-path>/kek.sealed. Stop the signer first. Interrupted, it loses nothing:",
          "run it again with the same options to finish."
        })
    static final class Rotate implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin StoreOptions store;
      @Mixin KekOptions kek;

      @Option(names = "--config-file", description = "YAML file of option values")
      Path configFile;

      @Option(names = "--new-kek-passphrase-file", required = true, description = "File holding the new KEK's passphrase")
      Path newPassphraseFile;

      @Override
      public Integer call() throws Exception {
        if (kek.kekProvider != KekOptions.Provider.SEALED_FILE) {
          throw new IllegalArgumentException(
              "kek rotate moves sealed keys between sealed-file KEKs only (--kek-provider sealed-file)");
        }
        Path kekFile = store.dataPath.resolve(SealedFileKek.DEFAULT_FILE_NAME);
        Path next = SealedKeys.rotationFile(kekFile);
        if (!Files.exists(kekFile)) {
          throw new IllegalStateException("no KEK at " + kekFile + ": nothing to rotate");
        }
        SealedKeysConfig config = kek.config(store.dataPath);
        SealedKeysConfig.PassphraseReader current =
            config.passphrase().or(config::prompt).orElseThrow(
                () -> new IllegalStateException("no KEK passphrase was given: " + SealedKeys.OPTIONS_HINT));
        PrintWriter out = spec.commandLine().getOut();
        try (Database database = openDatabase(store);
            SealedFileKek old = open(kekFile, current);
            SealedFileKek target = openOrCreate(next, newPassphraseFile)) {
          SealedKeyStore keys = SealedKeys.store(database);
          KekRotation.Summary summary;
          try {
            summary = new KekRotation(keys, KekRing.of(old), target).rotate(OPERATOR);
          } catch (SealedKeyException e) {
            throw new IllegalStateException(
                "rotation stopped at key " + e.publicKey() + ": " + e.getMessage()
                    + " (keys done so far stay done; fix and run again)", e);
          }
          keys.registerKek(target.id(), "sealed-file", kekFile.getFileName().toString());
          // Every record is on the new KEK now: it becomes the KEK file (atomic rename).
          Files.move(next, kekFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          syncDirectory(kekFile.toAbsolutePath().getParent());
          out.printf(
              "Rotated the KEK of operator %s: %d key(s) rewrapped, %d already on the new KEK; %s is now %s%n",
              OPERATOR, summary.rewrapped(), summary.alreadyCurrent(), kekFile, target.id());
        }
        out.flush();
        return 0;
      }

      private static SealedFileKek open(Path file, SealedKeysConfig.PassphraseReader reader) throws KekException {
        try (Passphrase passphrase = reader.read()) {
          return SealedFileKek.open(file, passphrase);
        }
      }

      private static SealedFileKek openOrCreate(Path file, Path passphraseFile) throws KekException {
        try (Passphrase passphrase = PassphraseSource.fromFile(passphraseFile)) {
          return SealedFileKek.openOrCreate(file, passphrase, ScryptParams.DEFAULT);
        }
      }

      private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
          channel.force(true);
        } catch (IOException ignored) {
          // not every file system syncs directories
        }
      }
    }
  }

  /** One line on stderr, redrawn in place: a bar, count, total and rate. */
  static final class ProgressBar implements ImportProgress.Listener {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private long lastDrawNanos;
    private ImportProgress last;

    ProgressBar(PrintWriter err) {
      this.err = err;
    }

    @Override
    public synchronized void onProgress(ImportProgress progress) {
      last = progress;
      long now = System.nanoTime();
      if (progress.done() == progress.total() || now - lastDrawNanos > 100_000_000L) {
        lastDrawNanos = now;
        draw(progress);
      }
    }

    synchronized void finish() {
      if (last != null) {
        draw(last);
        err.print('\n');
        err.flush();
      }
    }

    private void draw(ImportProgress progress) {
      int filled = progress.total() == 0 ? WIDTH : (int) ((long) WIDTH * progress.done() / progress.total());
      err.print(String.format(Locale.ROOT, "\r[%s%s] %d/%d keys  %.1f keys/s ",
          "#".repeat(filled), "-".repeat(WIDTH - filled), progress.done(), progress.total(),
          progress.keysPerSecond()));
      err.flush();
    }
  }
}
