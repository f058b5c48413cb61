package dev.palisade.auth;

/**
 * The name of an identity, unique across all operators. For a {@code basic} identity it is also the
 * user name the validator client sends. Names of revoked identities stay taken, so the audit log
 * never points at two different identities with one name.
 */
public record IdentityId(String value) {
  public IdentityId {
    Names.requireValid("an identity name", value);
  }

  public static IdentityId of(String value) {
    return new IdentityId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
