package dev.palisade.auth;

/** The name of an operator (tenant), e.g. {@code lido-node-7}. */
public record OperatorId(String value) {
  /**
   * The reserved operator of cross-operator administrators. It owns no keys; its identities are
   * created only with the local CLI, never through the API.
   */
  public static final OperatorId ROOT = new OperatorId("root");

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
