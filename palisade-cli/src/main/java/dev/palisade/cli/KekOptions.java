package dev.palisade.cli;

import dev.palisade.server.keys.SealedKeysConfig;
import dev.palisade.server.keys.SealedKeysConfig.KekSource;
import dev.palisade.vault.kek.AwsKmsConfig;
import dev.palisade.vault.kek.KekException;
import dev.palisade.vault.kek.Passphrase;
import dev.palisade.vault.kek.PassphraseSource;
import dev.palisade.vault.kek.Pkcs11Config;
import dev.palisade.vault.kek.SealedFileKek;
import java.io.Console;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The operator's KEK provider ({@code --kek-provider}, default {@code sealed-file}) and its
 * options. For the sealed-file KEK ({@code <data-path>/kek.sealed}) the passphrase comes from
 * {@code --kek-passphrase-file}, else the {@code PALISADE_KEK_PASSPHRASE} environment variable,
 * else a prompt on the terminal (only when one is attached); the PKCS#11 user PIN likewise from
 * {@code --pkcs11-pin-file}, {@code PALISADE_PKCS11_PIN} or a prompt. AWS credentials come from
 * the SDK's default chain.
 */
final class KekOptions {
  /** The KEK providers, as spelled on the command line and in the store. */
  enum Provider {
    SEALED_FILE("sealed-file"),
    PKCS11("pkcs11"),
    AWS_KMS("aws-kms");

    final String label;

    Provider(String label) {
      this.label = label;
    }

    static Provider parse(String value) {
      for (Provider provider : values()) {
        if (provider.label.equalsIgnoreCase(value.trim())) {
          return provider;
        }
      }
      throw new IllegalArgumentException(
          "unknown --kek-provider " + value + ": use sealed-file, pkcs11 or aws-kms");
    }

    @Override
    public String toString() {
      return label;
    }
  }

  static final String DEFAULT_PKCS11_LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";

  @Option(
      names = "--kek-provider",
      paramLabel = "PROVIDER",
      converter = ProviderConverter.class,
      description = "Where the key-wrapping key (KEK) lives: sealed-file, pkcs11 or aws-kms."
          + " Default: ${DEFAULT-VALUE}. Recorded per operator: keys sealed under one provider need it",
      defaultValue = "sealed-file")
  Provider kekProvider = Provider.SEALED_FILE;

  @Option(
      names = "--pkcs11-library",
      paramLabel = "PATH",
      description = "PKCS#11 module of the HSM. Default: ${DEFAULT-VALUE}",
      defaultValue = DEFAULT_PKCS11_LIBRARY)
  Path pkcs11Library = Path.of(DEFAULT_PKCS11_LIBRARY);

  @Option(
      names = "--pkcs11-slot-index",
      paramLabel = "N",
      description = "The token's position in the module's slot list (softhsm2-util --show-slots). Default: 0")
  Integer pkcs11SlotIndex;

  @Option(
      names = "--pkcs11-slot-id",
      paramLabel = "ID",
      description = "The token's slot id, instead of --pkcs11-slot-index")
  Long pkcs11SlotId;

  @Option(
      names = "--pkcs11-key-label",
      paramLabel = "LABEL",
      description = "Label of the AES KEK in the token (generated, non-extractable, by the first import)."
          + " Default: ${DEFAULT-VALUE}",
      defaultValue = "palisade-kek")
  String pkcs11KeyLabel = "palisade-kek";

  @Option(
      names = "--pkcs11-pin-file",
      paramLabel = "FILE",
      description = "File holding the token's user PIN. Default: the " + SealedKeysConfig.PKCS11_PIN_ENV
          + " environment variable, else a prompt")
  Path pkcs11PinFile;

  @Option(names = "--aws-kms-key-id", paramLabel = "KEY", description = "AWS KMS key id, ARN or alias/NAME")
  String awsKmsKeyId;

  @Option(names = "--aws-kms-region", paramLabel = "REGION", description = "AWS region of the KMS key")
  String awsKmsRegion;

  @Option(
      names = "--aws-kms-endpoint",
      paramLabel = "URL",
      description = "KMS endpoint override (a VPC endpoint). Credentials: the AWS SDK's default chain")
  URI awsKmsEndpoint;

  static final class ProviderConverter implements picocli.CommandLine.ITypeConverter<Provider> {
    @Override
    public Provider convert(String value) {
      return Provider.parse(value);
    }
  }

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
    return config(dataPath, creating, "default");
  }

  /**
   * The KEK of {@code operator}: each operator has its own; a sealed-file KEK is {@code kek.sealed}
   * for the default operator and {@code kek-<operator>.sealed} for any other.
   */
  SealedKeysConfig config(Path dataPath, boolean creating, String operator) {
    Path kekFile = dataPath.resolve(
        "default".equals(operator) ? SealedFileKek.DEFAULT_FILE_NAME : "kek-" + operator + ".sealed");
    return new SealedKeysConfig(
        kekFile, given(kekPassphraseFile), prompt("Passphrase of " + kekFile, creating && !kekFile.toFile().exists()),
        source());
  }

  /** The chosen provider and its settings; refuses options of another provider. */
  KekSource source() {
    Provider provider = kekProvider == null ? Provider.SEALED_FILE : kekProvider;
    if (provider != Provider.PKCS11
        && (pkcs11SlotIndex != null || pkcs11SlotId != null || pkcs11PinFile != null)) {
      throw new IllegalArgumentException("the --pkcs11-* options need --kek-provider pkcs11");
    }
    if (provider != Provider.AWS_KMS && (awsKmsKeyId != null || awsKmsRegion != null || awsKmsEndpoint != null)) {
      throw new IllegalArgumentException("the --aws-kms-* options need --kek-provider aws-kms");
    }
    if (provider != Provider.SEALED_FILE && kekPassphraseFile != null) {
      throw new IllegalArgumentException("--kek-passphrase-file is for --kek-provider sealed-file");
    }
    switch (provider) {
      case PKCS11 -> {
        if (pkcs11SlotIndex != null && pkcs11SlotId != null) {
          throw new IllegalArgumentException("give --pkcs11-slot-index or --pkcs11-slot-id, not both");
        }
        Pkcs11Config.Slot slot =
            pkcs11SlotId != null
                ? new Pkcs11Config.Slot.Id(pkcs11SlotId)
                : new Pkcs11Config.Slot.ListIndex(pkcs11SlotIndex != null ? pkcs11SlotIndex : 0);
        if (pkcs11SlotIndex != null && pkcs11SlotIndex < 0) {
          throw new IllegalArgumentException("--pkcs11-slot-index must be 0 or more");
        }
        Pkcs11Config config = new Pkcs11Config(pkcs11Library, slot, pkcs11KeyLabel);
        return new KekSource.Pkcs11(config, givenPin(pkcs11PinFile), prompt("User PIN of the PKCS#11 token", false));
      }
      case AWS_KMS -> {
        if (awsKmsKeyId == null || awsKmsRegion == null) {
          throw new IllegalArgumentException("--kek-provider aws-kms needs --aws-kms-key-id and --aws-kms-region");
        }
        return new KekSource.AwsKms(
            new AwsKmsConfig(awsKmsKeyId, awsKmsRegion, Optional.ofNullable(awsKmsEndpoint)));
      }
      default -> {
        return KekSource.SEALED_FILE;
      }
    }
  }

  /** A PIN from the file, else from the environment variable; empty if neither is given. */
  static Optional<SealedKeysConfig.PassphraseReader> givenPin(Path file) {
    if (file != null) {
      return Optional.of(() -> PassphraseSource.fromFile(file));
    }
    if (System.getenv(SealedKeysConfig.PKCS11_PIN_ENV) != null) {
      return Optional.of(() -> PassphraseSource.fromEnvironment(SealedKeysConfig.PKCS11_PIN_ENV));
    }
    return Optional.empty();
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
