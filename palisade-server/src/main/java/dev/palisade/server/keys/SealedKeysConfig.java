package dev.palisade.server.keys;

import dev.palisade.vault.kek.AwsKmsConfig;
import dev.palisade.vault.kek.KekException;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.Pkcs11Config;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Sealed keys as the node's durable key store: which KEK provider wraps the operator's data keys
 * ({@code source}) and, for the sealed-file KEK, the file {@code kekFile} and where its passphrase
 * comes from. {@code passphrase} is what the operator gave (a file or the environment); {@code
 * prompt} asks interactively and is used only when sealed keys exist and nothing was given. With
 * neither, a node holding no sealed key still starts (without a KEK), and one holding sealed keys
 * refuses to start with an error naming the options. The HSM and KMS providers are always opened:
 * choosing one is the operator's explicit decision.
 */
public record SealedKeysConfig(
    Path kekFile,
    Optional<PassphraseReader> passphrase,
    Optional<PassphraseReader> prompt,
    KekSource source) {

  /** The environment variable a passphrase may come from. */
  public static final String PASSPHRASE_ENV = "PALISADE_KEK_PASSPHRASE";

  /** The environment variable the PKCS#11 user PIN may come from. */
  public static final String PKCS11_PIN_ENV = "PALISADE_PKCS11_PIN";

  /** Reads a passphrase (or PIN) when it is needed (the caller closes it). */
  @FunctionalInterface
  public interface PassphraseReader {
    Passphrase read() throws KekException;
  }

  /** Which KEK provider holds the operator's KEK. {@link #provider()} is the name stored per KEK. */
  public sealed interface KekSource {
    SealedFile SEALED_FILE = new SealedFile();

    /** {@code sealed-file}, {@code pkcs11} or {@code aws-kms}. */
    String provider();

    /** The passphrase-sealed file {@code kekFile}. */
    record SealedFile() implements KekSource {
      @Override
      public String provider() {
        return "sealed-file";
      }
    }

    /**
     * An AES key inside a PKCS#11 token.
     *
     * @param pin the user PIN as given (a file or the environment)
     * @param pinPrompt asks for the PIN when none was given
     */
    record Pkcs11(Pkcs11Config config, Optional<PassphraseReader> pin, Optional<PassphraseReader> pinPrompt)
        implements KekSource {
      public Pkcs11 {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(pin, "pin");
        Objects.requireNonNull(pinPrompt, "pinPrompt");
      }

      @Override
      public String provider() {
        return "pkcs11";
      }
    }

    /** An AWS KMS key; credentials from the SDK's default chain. */
    record AwsKms(AwsKmsConfig config) implements KekSource {
      public AwsKms {
        Objects.requireNonNull(config, "config");
      }

      @Override
      public String provider() {
        return "aws-kms";
      }
    }
  }

  public SealedKeysConfig {
    if (kekFile == null) {
      throw new IllegalArgumentException("kekFile is required");
    }
    Objects.requireNonNull(passphrase, "passphrase");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(source, "source");
  }

  /** The sealed-file KEK in {@code kekFile}. */
  public SealedKeysConfig(
      Path kekFile, Optional<PassphraseReader> passphrase, Optional<PassphraseReader> prompt) {
    this(kekFile, passphrase, prompt, KekSource.SEALED_FILE);
  }
}
