package dev.palisade.server.keys;

import dev.palisade.eth2.BlsPublicKey;
import java.util.List;
import java.util.Optional;

/**
 * Adds and removes signing keys at runtime (the Keymanager API, {@code palisade keys}). An
 * implementation makes an imported key durable before it reports {@link ImportStatus#IMPORTED},
 * and stops signing with a key before {@link #delete} returns.
 */
public interface KeyManager {

  enum ImportStatus {
    IMPORTED,
    DUPLICATE,
    ERROR
  }

  /** {@code key} is known when the keystore could be read far enough to name it. */
  record ImportResult(ImportStatus status, Optional<BlsPublicKey> key, String message) {}

  record KeyInfo(BlsPublicKey key, Optional<String> derivationPath, boolean readonly) {}

  /** The public key a keystore names, without decrypting it; empty if it names none or is unreadable. */
  Optional<BlsPublicKey> publicKeyOf(String keystoreJson);

  /** Decrypts the EIP-2335 keystore with the password, stores the key durably and starts signing with it. */
  ImportResult importKeystore(String keystoreJson, String password);

  /** Stops signing with the key and forgets it; false if it was not held (or is read-only). */
  boolean delete(BlsPublicKey key);

  List<KeyInfo> list();
}
