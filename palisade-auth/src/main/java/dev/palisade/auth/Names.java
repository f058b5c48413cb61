package dev.palisade.auth;

import java.util.regex.Pattern;

/** The one rule for operator and identity names. */
final class Names {
  // Lower-case, URL-safe and colon-free: an identity name is the user part of
  // https://name:secret@host, where ':' would end it and '@' or '/' would break the URL.
  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private Names() {}

  static String requireValid(String what, String name) {
    if (name == null || !VALID.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what
              + " must be 1-63 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or"
              + " digit");
    }
    return name;
  }
}
