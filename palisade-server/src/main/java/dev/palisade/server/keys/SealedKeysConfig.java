package dev.palisade.server.keys;

import dev.palisade.vault.kek.KekException;
import dev.palisade.vault.kek.Passphrase;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Sealed keys as the node's durable key store: the sealed-file KEK in {@code kekFile} and where its
 * passphrase comes from. {@code passphrase} is what the operator gave (a file or the environment);
 * {@code prompt} asks interactively and is used only when sealed keys exist and nothing was given.
 * With neither, a node holding no sealed key still starts (without a KEK), and one holding sealed
 * keys refuses to start with an error naming the options.
 */
public record SealedKeysConfig(
    Path kekFile, Optional<PassphraseReader> passphrase, Optional<PassphraseReader> prompt) {

  /** The environment variable a passphrase may come from. */
  public static final String PASSPHRASE_ENV = "PALISADE_KEK_PASSPHRASE";

  /** Reads a passphrase when it is needed (the caller closes it). */
  @FunctionalInterface
  public interface PassphraseReader {
    Passphrase read() throws KekException;
  }

  public SealedKeysConfig {
    if (kekFile == null) {
      throw new IllegalArgumentException("kekFile is required");
    }
  }
}
