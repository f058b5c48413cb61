package dev.palisade.vault.kek;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the HSM's KEK lives. SunPKCS11 selects a token by slot id or by index in the slot list (it
 * has no token-label selector); {@code pkcs11-tool -L} or {@code softhsm2-util --show-slots} print
 * both. The PIN is passed separately, as a {@link Passphrase}.
 *
 * @param library the PKCS#11 module, e.g. {@code /usr/lib/softhsm/libsofthsm2.so}
 * @param slot the token's slot
 * @param keyLabel the CKA_LABEL of the AES key in the token
 */
public record Pkcs11Config(Path library, Slot slot, String keyLabel) {
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]{1,32}");

  /** How SunPKCS11 finds the token. */
  public sealed interface Slot {
    /** The slot id the module reports (SoftHSM assigns it at token initialisation). */
    record Id(long id) implements Slot {}

    /** The position in the module's slot list, 0 for the first. */
    record ListIndex(int index) implements Slot {}
  }

  public Pkcs11Config {
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(slot, "slot");
    if (keyLabel == null || !LABEL.matcher(keyLabel).matches()) {
      throw new IllegalArgumentException("a key label is 1-32 characters of [A-Za-z0-9._-]");
    }
  }

  /** The SunPKCS11 configuration; the generate template makes the key a sensitive token object. */
  String providerConfig(String providerName) {
    String slotLine =
        slot instanceof Slot.Id id
            ? "slot = " + id.id()
            : "slotListIndex = " + ((Slot.ListIndex) slot).index();
    String labelHex = HexFormat.of().formatHex(keyLabel.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return String.join(
        "\n",
        "name = " + providerName,
        "library = " + library.toAbsolutePath(),
        slotLine,
        "attributes(generate, CKO_SECRET_KEY, CKK_AES) = {",
        "  CKA_TOKEN = true",
        "  CKA_SENSITIVE = true",
        "  CKA_EXTRACTABLE = false",
        "  CKA_ENCRYPT = true",
        "  CKA_DECRYPT = true",
        "  CKA_LABEL = 0h" + labelHex,
        "}",
        "");
  }
}
