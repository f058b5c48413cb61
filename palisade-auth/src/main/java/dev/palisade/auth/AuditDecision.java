package dev.palisade.auth;

import java.util.Locale;

/** The outcome an audit row records. */
public enum AuditDecision {
  SIGNED,
  REFUSED,
  /** A lifecycle or administrative change: a key imported or deleted, an identity created or revoked. */
  CHANGED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static AuditDecision parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
