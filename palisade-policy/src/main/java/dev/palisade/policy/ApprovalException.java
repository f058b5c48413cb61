package dev.palisade.policy;

/** An approval step that cannot be taken; {@link Kind} says which answer a client gets. */
public final class ApprovalException extends RuntimeException {
  public enum Kind { NOT_FOUND, FORBIDDEN, CONFLICT }

  private final Kind kind;

  public ApprovalException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
