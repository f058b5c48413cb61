package dev.palisade.auth;

/**
 * A token or basic password, held only between its creation and showing it once to the operator.
 * {@link #toString()} never reveals it, so a secret logged or formatted by mistake stays hidden.
 */
public final class Secret {
  private final String value;

  Secret(String value) {
    this.value = value;
  }

  /** The secret itself: print it once to the operator, never log it. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "Secret[redacted]";
  }
}
