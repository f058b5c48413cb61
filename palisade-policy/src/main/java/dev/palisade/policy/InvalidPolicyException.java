package dev.palisade.policy;

/** A policy document (or a target) that cannot be accepted; {@code field} is the path to the bad part. */
public final class InvalidPolicyException extends RuntimeException {
  private final String field;

  public InvalidPolicyException(String field, String message) {
    super(message, null, false, false);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
