package dev.palisade.vault.seal;

import java.util.Map;

/**
 * What a wrapped data key is bound to, as a KEK provider needs it: associated data for AES-GCM
 * wrapping, or an encryption context for a KMS. {@link KeyBinding} (BLS) and {@link EvmKeyBinding}
 * (secp256k1) encode under distinct domains, so a record of one kind never opens as the other.
 */
public interface DataKeyBinding {
  byte[] dataKeyAad();

  Map<String, String> encryptionContext();
}
