package dev.palisade.server.keys;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.crypto.Eip2335Keystore;
import dev.palisade.crypto.KeystoreException;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.vault.InProcessVault;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keys held only by the in-process vault: imports last until the process stops. Keys loaded from
 * {@code --keystores-path} at start are read-only here (they come back at every start anyway).
 */
public final class VaultOnlyKeyManager implements KeyManager {
  private final InProcessVault vault;
  private final Set<BlsPublicKey> readOnly = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<BlsPublicKey, Optional<String>> paths = new ConcurrentHashMap<>();

  public VaultOnlyKeyManager(InProcessVault vault) {
    this.vault = vault;
  }

  /** Keys the operator loaded from disk at start: listed, never deleted through the API. */
  public void markReadOnly(Iterable<BlsPublicKey> keys) {
    keys.forEach(readOnly::add);
  }

  @Override
  public Optional<BlsPublicKey> publicKeyOf(String keystoreJson) {
    try {
      return Eip2335Keystore.parse(keystoreJson).pubkey();
    } catch (KeystoreException e) {
      return Optional.empty();
    }
  }

  @Override
  public ImportResult importKeystore(String keystoreJson, String password) {
    Eip2335Keystore keystore;
    try {
      keystore = Eip2335Keystore.parse(keystoreJson);
    } catch (KeystoreException e) {
      return new ImportResult(ImportStatus.ERROR, Optional.empty(), "invalid keystore: " + e.getMessage());
    }
    if (keystore.pubkey().isPresent() && vault.holds(keystore.pubkey().get())) {
      return new ImportResult(ImportStatus.DUPLICATE, keystore.pubkey(), "key already held");
    }
    BlsSecretKey key;
    try {
      key = keystore.decrypt(password);
    } catch (KeystoreException e) {
      return new ImportResult(ImportStatus.ERROR, keystore.pubkey(), e.getMessage());
    }
    BlsPublicKey publicKey = key.publicKey();
    if (!vault.add(key)) {
      return new ImportResult(ImportStatus.DUPLICATE, Optional.of(publicKey), "key already held");
    }
    paths.put(publicKey, keystore.path());
    return new ImportResult(ImportStatus.IMPORTED, Optional.of(publicKey), "imported");
  }

  @Override
  public boolean delete(BlsPublicKey key) {
    if (readOnly.contains(key)) {
      return false;
    }
    paths.remove(key);
    return vault.remove(key);
  }

  @Override
  public List<KeyInfo> list() {
    return vault.publicKeys().stream()
        .sorted(Comparator.naturalOrder())
        .map(key -> new KeyInfo(key, paths.getOrDefault(key, Optional.empty()), readOnly.contains(key)))
        .toList();
  }
}
