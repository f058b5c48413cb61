package dev.palisade.auth;

import dev.palisade.store.Dialect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.eth2.BlsPublicKey;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Scopes, operator isolation and key lists. */
class AuthorizerTest {
  private static final Random RANDOM = new Random(7L);
  private final BlsPublicKey keyA1 = randomKey();
  private final BlsPublicKey keyA2 = randomKey();
  private final BlsPublicKey keyB1 = randomKey();
  private final BlsPublicKey unassigned = randomKey();
  private final BlsPublicKey unknown = randomKey();

  private IdentityStore store;
  private Authorizer authorizer;
  private Identity validatorA;
  private Identity validatorB;
  private Identity narrowA;
  private Identity exiterA;
  private Identity adminA;

  static BlsPublicKey randomKey() {
    byte[] bytes = new byte[48];
    RANDOM.nextBytes(bytes);
    return BlsPublicKey.wrap(bytes);
  }

  @BeforeEach
  void setUp() {
    store = IdentityStore.open(TestDatabases.sqlite(), Dialect.SQLITE);
    authorizer = new Authorizer(store);
    store.createOperator(OperatorId.of("op-a"));
    store.createOperator(OperatorId.of("op-b"));
    store.assignKey(keyA1, OperatorId.of("op-a"));
    store.assignKey(keyA2, OperatorId.of("op-a"));
    store.assignKey(keyB1, OperatorId.of("op-b"));
    validatorA = create("vc-a", "op-a", "validate", null);
    validatorB = create("vc-b", "op-b", "validate", null);
    narrowA = create("vc-a-narrow", "op-a", "validate", Set.of(keyA2, keyB1));
    exiterA = create("exit-a", "op-a", "sign:exit", null);
    adminA = create("admin-a", "op-a", "admin", null);
  }

  private Identity create(String name, String operator, String scopes, Set<BlsPublicKey> keys) {
    NewIdentity request = NewIdentity.of(name, operator, new Credential.BearerToken(), scopes);
    return store.createIdentity(keys == null ? request : request.limitedTo(keys)).identity();
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ATTESTATION", "BLOCK_V2", "BLOCK", "AGGREGATION_SLOT",
      "AGGREGATE_AND_PROOF_V2", "RANDAO_REVEAL", "SYNC_COMMITTEE_MESSAGE",
      "SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF", "VALIDATOR_REGISTRATION"})
  void validateSignsRoutineDutiesWithItsOwnKeys(String type) {
    assertTrue(authorizer.authorizeSigning(validatorA, type, keyA1).isAllowed());
  }

  @ParameterizedTest
  @ValueSource(strings = {"VOLUNTARY_EXIT", "DEPOSIT"})
  void validateCannotExitOrDepositAndTheMissingScopeIsNamed(String type) {
    AccessDecision d = authorizer.authorizeSigning(validatorA, type, keyA1);
    Scope missing = type.equals("DEPOSIT") ? Scope.SIGN_DEPOSIT : Scope.SIGN_EXIT;
    assertEquals(new AccessDecision.Forbidden(missing), d);
    assertTrue(((AccessDecision.Forbidden) d).message().contains(missing.wireName()));
  }

  @Test
  void exitScopeSignsExitsOnly() {
    assertTrue(authorizer.authorizeSigning(exiterA, "VOLUNTARY_EXIT", keyA1).isAllowed());
    assertEquals(new AccessDecision.Forbidden(Scope.SIGN_ATTESTATION),
        authorizer.authorizeSigning(exiterA, "ATTESTATION", keyA1));
  }

  @Test
  void anotherOperatorsKeyLooksExactlyLikeAnUnknownKey() {
    AccessDecision foreign = authorizer.authorizeSigning(validatorA, "ATTESTATION", keyB1);
    AccessDecision none = authorizer.authorizeSigning(validatorA, "ATTESTATION", unknown);
    AccessDecision orphan = authorizer.authorizeSigning(validatorA, "ATTESTATION", unassigned);
    assertEquals(AccessDecision.NOT_VISIBLE, foreign);
    assertEquals(foreign, none);
    assertEquals(foreign, orphan);
    assertTrue(authorizer.authorizeSigning(validatorB, "ATTESTATION", keyB1).isAllowed());
    assertEquals(AccessDecision.NOT_VISIBLE,
        authorizer.authorizeSigning(validatorB, "ATTESTATION", keyA1));
  }

  @Test
  void missingScopeAnswersTheSameForEveryKey() {
    // scope is checked first, so a 403 cannot be used to probe which keys exist
    AccessDecision own = authorizer.authorizeSigning(validatorA, "VOLUNTARY_EXIT", keyA1);
    assertEquals(own, authorizer.authorizeSigning(validatorA, "VOLUNTARY_EXIT", keyB1));
    assertEquals(own, authorizer.authorizeSigning(validatorA, "VOLUNTARY_EXIT", unknown));
  }

  @Test
  void keyListNarrowsButNeverWidensAcrossOperators() {
    assertEquals(AccessDecision.NOT_VISIBLE,
        authorizer.authorizeSigning(narrowA, "ATTESTATION", keyA1));
    assertTrue(authorizer.authorizeSigning(narrowA, "ATTESTATION", keyA2).isAllowed());
    assertEquals(AccessDecision.NOT_VISIBLE,
        authorizer.authorizeSigning(narrowA, "ATTESTATION", keyB1),
        "listing another operator's key grants nothing");
  }

  @Test
  void visibleKeysListsOnlyOwnAllowedKeys() {
    List<BlsPublicKey> loaded = List.of(keyA1, keyB1, keyA2, unassigned);
    assertEquals(List.of(keyA1, keyA2), authorizer.visibleKeys(validatorA, loaded));
    assertEquals(List.of(keyB1), authorizer.visibleKeys(validatorB, loaded));
    assertEquals(List.of(keyA2), authorizer.visibleKeys(narrowA, loaded));
  }

  @Test
  void keyOwnershipChangesApplyImmediatelyOnThisInstance() {
    assertTrue(store.unassignKey(keyA1));
    assertEquals(AccessDecision.NOT_VISIBLE,
        authorizer.authorizeSigning(validatorA, "ATTESTATION", keyA1));
    store.assignKey(keyA1, OperatorId.of("op-b"));
    assertTrue(authorizer.authorizeSigning(validatorB, "ATTESTATION", keyA1).isAllowed());
    assertEquals(List.of(keyA1, keyB1).stream().sorted().toList(),
        store.keysOf(OperatorId.of("op-b")));
  }

  @Test
  void aKeyCannotBeTakenFromAnotherOperatorSilently() {
    assertThrows(AuthConflictException.class, () -> store.assignKey(keyB1, OperatorId.of("op-a")));
    store.assignKey(keyB1, OperatorId.of("op-b")); // idempotent for the owner
    assertEquals(OperatorId.of("op-b"), store.ownerOf(keyB1).orElseThrow());
  }

  @Test
  void nonKeyOperations() {
    assertTrue(authorizer.authorize(adminA, Scope.ADMIN).isAllowed());
    assertEquals(new AccessDecision.Forbidden(Scope.ADMIN), authorizer.authorize(validatorA, Scope.ADMIN));
    assertEquals(new AccessDecision.Forbidden(Scope.KEYS_WRITE),
        authorizer.authorize(validatorA, Scope.KEYS_WRITE));
    assertTrue(authorizer.canListKeys(validatorA));
    assertTrue(authorizer.canListKeys(exiterA));
    assertFalse(authorizer.canListKeys(adminA));
  }

  @Test
  void unknownSigningTypeIsAProgrammingError() {
    assertThrows(IllegalArgumentException.class,
        () -> authorizer.authorizeSigning(validatorA, "BLOCK_V9", keyA1));
  }
}
