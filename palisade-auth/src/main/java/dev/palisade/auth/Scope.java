package dev.palisade.auth;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The fixed list of permissions an identity can hold. The wire name ({@link #wireName()}) is what
 * operators type on the command line and what the admin API shows.
 *
 * <ul>
 *   <li>{@code sign:block} BLOCK, BLOCK_V2
 *   <li>{@code sign:attestation} ATTESTATION
 *   <li>{@code sign:aggregate} AGGREGATION_SLOT, AGGREGATE_AND_PROOF, AGGREGATE_AND_PROOF_V2
 *   <li>{@code sign:sync} SYNC_COMMITTEE_MESSAGE, SYNC_COMMITTEE_SELECTION_PROOF,
 *       SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF
 *   <li>{@code sign:randao} RANDAO_REVEAL
 *   <li>{@code sign:registration} VALIDATOR_REGISTRATION (builder registrations)
 *   <li>{@code sign:exit} VOLUNTARY_EXIT: irreversible, so never part of {@code validate}
 *   <li>{@code sign:deposit} DEPOSIT: moves funds, so never part of {@code validate}
 *   <li>{@code sign:evm:tx} EVM transactions (types 0-4) with a secp256k1 key
 *   <li>{@code sign:evm:eip191} personal_sign / eth_sign messages; {@code sign:evm:eip712} typed data
 *   <li>{@code sign:evm:raw} keccak256 of arbitrary bytes (Web3Signer eth1 sign): can sign anything a
 *       key could ever sign, so it is never bundled and no default identity holds it
 *   <li>{@code validate} the bundle of every routine duty: all sign scopes above except exit and deposit
 *   <li>{@code keys:read} list keys (Keymanager GET); {@code keys:write} import/delete keys
 *   <li>{@code slashing:read} export slashing history; {@code slashing:write} import it
 *   <li>{@code admin} manage operators, identities and key assignments for every operator. It implies
 *       no other scope: an administrator who must also sign is given both explicitly.
 *   <li>{@code approve} approve or deny requests a policy holds for approval (exits under a two-person
 *       rule), in the identity's own operator, never its own requests
 * </ul>
 */
public enum Scope {
  SIGN_BLOCK("sign:block"),
  SIGN_ATTESTATION("sign:attestation"),
  SIGN_AGGREGATE("sign:aggregate"),
  SIGN_SYNC("sign:sync"),
  SIGN_RANDAO("sign:randao"),
  SIGN_REGISTRATION("sign:registration"),
  SIGN_EXIT("sign:exit"),
  SIGN_DEPOSIT("sign:deposit"),
  SIGN_EVM_TX("sign:evm:tx"),
  SIGN_EVM_EIP191("sign:evm:eip191"),
  SIGN_EVM_EIP712("sign:evm:eip712"),
  SIGN_EVM_RAW("sign:evm:raw"),
  VALIDATE("validate"),
  KEYS_READ("keys:read"),
  KEYS_WRITE("keys:write"),
  SLASHING_READ("slashing:read"),
  SLASHING_WRITE("slashing:write"),
  ADMIN("admin"),
  APPROVE("approve");

  private final String wireName;

  Scope(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The scopes this scope grants: itself, plus the routine signing scopes for {@code validate}. */
  public Set<Scope> grants() {
    if (this == VALIDATE) {
      return Collections.unmodifiableSet(
          EnumSet.of(
              VALIDATE,
              SIGN_BLOCK,
              SIGN_ATTESTATION,
              SIGN_AGGREGATE,
              SIGN_SYNC,
              SIGN_RANDAO,
              SIGN_REGISTRATION));
    }
    return Collections.unmodifiableSet(EnumSet.of(this));
  }

  /** True for the {@code sign:*} scopes. */
  public boolean isSigning() {
    return wireName.startsWith("sign:");
  }

  public static Optional<Scope> fromWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
  }

  /** Parses one wire name; the error lists the valid names. */
  public static Scope parse(String name) {
    String trimmed = name == null ? "" : name.trim();
    return fromWireName(trimmed)
        .orElseThrow(
            () ->
                new InvalidScopeException(
                    "unknown scope '" + printable(trimmed) + "'; valid scopes are: " + allWireNames()));
  }

  static String allWireNames() {
    return Arrays.stream(values()).map(Scope::wireName).collect(Collectors.joining(", "));
  }

  // User input is echoed in errors; cap and strip control characters so a pasted secret or a
  // terminal escape sequence cannot ride along in full.
  private static String printable(String s) {
    String cleaned = s.replaceAll("\\p{Cntrl}", "?");
    return cleaned.length() > 40 ? cleaned.substring(0, 40) + "…" : cleaned;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
