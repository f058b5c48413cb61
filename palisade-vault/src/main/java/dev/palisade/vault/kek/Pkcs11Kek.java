package dev.palisade.vault.kek;

import dev.palisade.crypto.SecretBytes;
import dev.palisade.vault.seal.AesGcm;
import dev.palisade.vault.seal.DataKeyBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;

/**
 * A KEK that never leaves a PKCS#11 token: a sensitive, non-extractable AES-256 key used through
 * the JDK's SunPKCS11 provider. Data keys are encrypted with AES-GCM inside the HSM (SoftHSM2
 * offers AES key wrap only as C_WrapKey, which SunPKCS11 does not expose as a Cipher, so wrapping is
 * done as GCM encryption of the 32-byte data key; see the stack notes).
 */
public final class Pkcs11Kek implements KekProvider {
  public static final String ID_PREFIX = "pkcs11:";
  private static final AtomicInteger PROVIDER_COUNTER = new AtomicInteger();

  private final String id;
  private final Provider provider;
  private final Key key;
  // Cipher objects hold HSM sessions; reusing them avoids a session open per data key.
  private final ConcurrentLinkedQueue<Cipher> ciphers = new ConcurrentLinkedQueue<>();
  private final GcmWrapping.GcmCipher cipher = new HsmGcm();

  private Pkcs11Kek(String id, Provider provider, Key key) {
    this.id = id;
    this.provider = provider;
    this.key = key;
  }

  /**
   * Logs into the token and finds the key labelled {@code config.keyLabel()}; if there is none and
   * {@code generateIfMissing}, generates it in the token.
   *
   * @throws KekException UNAVAILABLE (library or token absent), WRONG_PIN, NOT_FOUND (no key and
   *     not generating), INVALID (the key is extractable or not AES)
   */
  public static Pkcs11Kek open(Pkcs11Config config, Passphrase pin, boolean generateIfMissing)
      throws KekException {
    if (!Files.isReadable(config.library())) {
      throw new KekException(
          KekException.Kind.UNAVAILABLE,
          "PKCS#11 library not found: " + config.library() + " (is the HSM software installed?)");
    }
    Provider provider = configureProvider(config);
    try {
      KeyStore keyStore = login(provider, pin, config);
      Key key = findKey(keyStore, config.keyLabel());
      if (key == null) {
        if (!generateIfMissing) {
          throw new KekException(
              KekException.Kind.NOT_FOUND, "no key labelled " + config.keyLabel() + " in the token");
        }
        key = generateKey(provider, config.keyLabel());
      }
      requireSensitiveAes(key, config.keyLabel());
      return new Pkcs11Kek(ID_PREFIX + config.keyLabel(), provider, key);
    } catch (KekException | RuntimeException e) {
      logout(provider);
      throw e;
    }
  }

  private static Provider configureProvider(Pkcs11Config config) throws KekException {
    Provider base = Security.getProvider("SunPKCS11");
    if (base == null) {
      throw new KekException(
          KekException.Kind.UNAVAILABLE, "this JDK has no SunPKCS11 provider (jdk.crypto.cryptoki)");
    }
    String name = "palisade-kek-" + PROVIDER_COUNTER.incrementAndGet();
    try {
      return base.configure("--" + config.providerConfig(name));
    } catch (ProviderException | IllegalArgumentException e) {
      throw new KekException(
          KekException.Kind.UNAVAILABLE,
          "cannot open PKCS#11 token at " + config.slot() + " with " + config.library() + ": "
              + rootMessage(e),
          e);
    }
  }

  private static KeyStore login(Provider provider, Passphrase pin, Pkcs11Config config)
      throws KekException {
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
      keyStore.load(null, pin.chars());
      return keyStore;
    } catch (IOException e) {
      if (hasCause(e, FailedLoginException.class) || rootMessage(e).contains("CKR_PIN_INCORRECT")) {
        throw new KekException(KekException.Kind.WRONG_PIN, "the HSM refused the PIN", null);
      }
      if (hasCause(e, LoginException.class) && rootMessage(e).contains("CKR_PIN_LOCKED")) {
        throw new KekException(KekException.Kind.WRONG_PIN, "the HSM PIN is locked", null);
      }
      throw new KekException(
          KekException.Kind.UNAVAILABLE, "cannot log into the token: " + rootMessage(e), e);
    } catch (GeneralSecurityException | ProviderException e) {
      throw new KekException(
          KekException.Kind.UNAVAILABLE, "cannot log into the token: " + rootMessage(e), e);
    }
  }

  private static Key findKey(KeyStore keyStore, String label) throws KekException {
    try {
      return keyStore.containsAlias(label) ? keyStore.getKey(label, null) : null;
    } catch (GeneralSecurityException e) {
      throw new KekException(
          KekException.Kind.INVALID, "cannot read key " + label + ": " + rootMessage(e), e);
    }
  }

  private static Key generateKey(Provider provider, String label) throws KekException {
    try {
      KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
      generator.init(256);
      SecretKey key = generator.generateKey(); // template: token, sensitive, unextractable, label
      return key;
    } catch (GeneralSecurityException | ProviderException e) {
      throw new KekException(
          KekException.Kind.UNAVAILABLE,
          "cannot generate key " + label + " in the token: " + rootMessage(e),
          e);
    }
  }

  /** Refuses a key whose bytes the token would hand out: then it is no better than a file. */
  private static void requireSensitiveAes(Key key, String label) throws KekException {
    if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
      throw new KekException(KekException.Kind.INVALID, "key " + label + " is not an AES key");
    }
    if (key.getEncoded() != null) {
      throw new KekException(
          KekException.Kind.INVALID,
          "key " + label + " is extractable; create it with CKA_SENSITIVE=true, CKA_EXTRACTABLE=false");
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public byte[] wrap(SecretBytes dataKey, DataKeyBinding binding) throws KekException {
    return GcmWrapping.wrap(cipher, dataKey, binding);
  }

  @Override
  public SecretBytes unwrap(byte[] wrapped, DataKeyBinding binding) throws KekException {
    return GcmWrapping.unwrap(cipher, wrapped, binding);
  }

  @Override
  public void close() {
    ciphers.clear();
    logout(provider);
  }

  @Override
  public String toString() {
    return "Pkcs11Kek[" + id + "]";
  }

  private final class HsmGcm implements GcmWrapping.GcmCipher {
    @Override
    public byte[] encrypt(byte[] nonce, byte[] aad, byte[] plaintext) throws KekException {
      Cipher c = borrow();
      try {
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(AesGcm.TAG_BYTES * 8, nonce));
        c.updateAAD(aad);
        byte[] out = c.doFinal(plaintext);
        ciphers.offer(c);
        return out;
      } catch (GeneralSecurityException | ProviderException e) {
        throw new KekException(
            KekException.Kind.UNAVAILABLE, "HSM encryption failed: " + rootMessage(e), e);
      }
    }

    @Override
    public byte[] decrypt(byte[] nonce, byte[] aad, byte[] ciphertext)
        throws KekException, AEADBadTagException {
      Cipher c = borrow();
      try {
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(AesGcm.TAG_BYTES * 8, nonce));
        c.updateAAD(aad);
        byte[] out = c.doFinal(ciphertext);
        ciphers.offer(c);
        return out;
      } catch (AEADBadTagException e) {
        throw e; // the failed cipher is dropped: its HSM operation state is unknown
      } catch (GeneralSecurityException | ProviderException e) {
        throw new KekException(
            KekException.Kind.UNAVAILABLE, "HSM decryption failed: " + rootMessage(e), e);
      }
    }

    private Cipher borrow() throws KekException {
      Cipher c = ciphers.poll();
      if (c != null) {
        return c;
      }
      try {
        return Cipher.getInstance("AES/GCM/NoPadding", provider);
      } catch (GeneralSecurityException e) {
        throw new KekException(
            KekException.Kind.UNAVAILABLE, "the token offers no AES/GCM/NoPadding", e);
      }
    }
  }

  private static void logout(Provider provider) {
    if (provider instanceof AuthProvider auth) {
      try {
        auth.logout();
      } catch (LoginException | ProviderException ignored) {
        // the session is gone either way
      }
    }
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
