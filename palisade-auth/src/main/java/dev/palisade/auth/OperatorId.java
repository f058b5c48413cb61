package dev.palisade.auth;

/** The name of an operator (tenant), e.g. {@code lido-node-7}. */
public record OperatorId(String value) {
  public OperatorId {
    Names.requireValid("an operator name", value);
  }

  public static OperatorId of(String value) {
    return new OperatorId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
