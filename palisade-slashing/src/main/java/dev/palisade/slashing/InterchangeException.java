package dev.palisade.slashing;

/** An interchange file was refused; nothing was imported. */
public class InterchangeException extends Exception {

  public enum Problem {
    /** Not JSON, or JSON that violates the EIP-3076 schema (missing fields, bad hex, non-uint64). */
    INVALID_FORMAT,
    UNSUPPORTED_VERSION,
    GENESIS_VALIDATORS_ROOT_MISMATCH
  }

  private final Problem problem;

  public InterchangeException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  public InterchangeException(Problem problem, String message, Throwable cause) {
    super(message, cause);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
