package dev.palisade.cli;

import dev.palisade.server.keys.SealedKeysConfig;
import dev.palisade.vault.kek.KekException;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.PassphraseSource;
import dev.palisade.vault.kek.SealedFileKek;
import java.io.Console;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the passphrase of the sealed-file KEK ({@code <data-path>/kek.sealed}) comes from: {@code
 * --kek-passphrase-file}, else the {@code PALISADE_KEK_PASSPHRASE} environment variable, else a
 * prompt on the terminal (only when one is attached).
 */
final class KekOptions {
  @Option(
      names = "--kek-passphrase-file",
      description = "File holding the passphrase of the key-wrapping key <data-path>/kek.sealed."
          + " Default: the " + SealedKeysConfig.PASSPHRASE_ENV + " environment variable, else a prompt")
  Path kekPassphraseFile;

  SealedKeysConfig config(Path dataPath) {
    return config(dataPath, false);
  }

  /** @param creating whether the KEK may be created now (a prompt then asks twice) */
  SealedKeysConfig config(Path dataPath, boolean creating) {
    Path kekFile = dataPath.resolve(SealedFileKek.DEFAULT_FILE_NAME);
    return new SealedKeysConfig(
        kekFile, given(kekPassphraseFile), prompt("Passphrase of " + kekFile, creating && !kekFile.toFile().exists()));
  }

  /** A passphrase from the file, else from the environment variable; empty if neither is given. */
  static Optional<SealedKeysConfig.PassphraseReader> given(Path file) {
    if (file != null) {
      return Optional.of(() -> PassphraseSource.fromFile(file));
    }
    if (System.getenv(SealedKeysConfig.PASSPHRASE_ENV) != null) {
      return Optional.of(() -> PassphraseSource.fromEnvironment(SealedKeysConfig.PASSPHRASE_ENV));
    }
    return Optional.empty();
  }

  /** Asks on the terminal, if there is one. */
  static Optional<SealedKeysConfig.PassphraseReader> prompt(String label, boolean confirm) {
    Console console = System.console();
    if (console == null) {
      return Optional.empty();
    }
    return Optional.of(
        () -> {
          char[] first = console.readPassword("%s: ", label);
          if (first == null || first.length == 0) {
            throw new KekException(KekException.Kind.INVALID, "no passphrase was entered");
          }
          if (confirm) {
            char[] again = console.readPassword("Repeat the passphrase: ");
            boolean same = again != null && Arrays.equals(first, again);
            if (again != null) {
              Arrays.fill(again, '\0');
            }
            if (!same) {
              Arrays.fill(first, '\0');
              throw new KekException(KekException.Kind.INVALID, "the passphrases do not match");
            }
          }
          return Passphrase.takeOwnership(first);
        });
  }
}
