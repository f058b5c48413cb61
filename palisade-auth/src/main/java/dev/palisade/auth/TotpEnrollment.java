package dev.palisade.auth;

import java.time.Instant;
import java.util.Optional;

/**
 * An identity's TOTP second factor as stored: the sealed secret's parts (opaque here; the vault's
 * sealer makes and opens them), and whether the first valid code has confirmed it.
 *
 * @param lastStep the last accepted time step, -1 before any: a code of that step or an earlier one
 *     is never accepted again
 */
public record TotpEnrollment(
    IdentityId identity, OperatorId operator, int formatVersion, String kekId, byte[] wrappedDek, byte[] nonce,
    byte[] ciphertext, Instant createdAt, Optional<Instant> confirmedAt, long lastStep) {

  public TotpEnrollment {
    wrappedDek = wrappedDek.clone();
    nonce = nonce.clone();
    ciphertext = ciphertext.clone();
  }

  public boolean confirmed() {
    return confirmedAt.isPresent();
  }

  @Override
  public byte[] wrappedDek() {
    return wrappedDek.clone();
  }

  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  @Override
  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  @Override
  public String toString() {
    return "TotpEnrollment[" + identity + ", operator=" + operator + ", confirmed=" + confirmed() + ", sealed]";
  }
}
