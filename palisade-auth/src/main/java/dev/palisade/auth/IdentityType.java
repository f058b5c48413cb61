package dev.palisade.auth;

import java.util.Locale;

/**
 * How an identity proves itself, strongest first. {@code network} is the weakest: anyone who can
 * send packets from an allowed address (or spoof one on a flat network) is that identity. Use it
 * only for validator clients that can send nothing else (Nimbus, Lodestar), on a private network.
 */
public enum IdentityType {
  /** A TLS client certificate (mTLS): Lighthouse, Teku, Prysm. */
  CERT,
  /** {@code Authorization: Bearer <token>}: scripts, the admin API. */
  TOKEN,
  /** {@code Authorization: Basic}, as Lighthouse and Teku send {@code https://name:secret@host}. */
  BASIC,
  /** The source address alone. */
  NETWORK;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static IdentityType parse(String text) {
    for (IdentityType t : values()) {
      if (t.wireName().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return t;
      }
    }
    throw new IllegalArgumentException("identity type must be one of cert, token, basic, network");
  }
}
