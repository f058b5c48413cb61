package dev.palisade.vault.seal;

import java.util.regex.Pattern;

/**
 * Who owns a set of keys, and so which KEK wraps them. Restricted to a short printable alphabet so
 * it can appear in file names, KMS encryption contexts and logs without escaping.
 */
public record OperatorId(String value) implements Comparable<OperatorId> {
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** The operator of a single-operator (embedded) installation. */
  public static final OperatorId DEFAULT = new OperatorId("default");

  public OperatorId {
    if (value == null || !ALLOWED.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "an operator id is 1-64 characters of [A-Za-z0-9._-], starting with a letter or digit");
    }
  }

  @Override
  public int compareTo(OperatorId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
