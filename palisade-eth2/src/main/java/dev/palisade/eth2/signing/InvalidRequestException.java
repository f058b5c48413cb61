package dev.palisade.eth2.signing;

/**
 * A signing request that cannot be decoded or signed. The message names the offending field and
 * what is wrong with it; it never contains a stack trace and never echoes long input.
 */
public class InvalidRequestException extends RuntimeException {
  private final String field;

  /**
   * @param field JSON path of the offending field such as {@code attestation.source.epoch}, or
   *     null when the problem is not tied to one field
   * @param problem what is wrong, without the field name
   */
  public InvalidRequestException(String field, String problem) {
    // No stack trace: these are expected outcomes of hostile or broken input, not bugs.
    super(field == null || field.isEmpty() ? problem : field + ": " + problem, null, false, false);
    this.field = field == null || field.isEmpty() ? null : field;
  }

  /** JSON path of the offending field, or null. */
  public String field() {
    return field;
  }
}
