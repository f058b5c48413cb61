package dev.palisade.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScopeTest {

  @ParameterizedTest(name = "{0} needs {1}")
  @CsvSource({
    "BLOCK, sign:block",
    "BLOCK_V2, sign:block",
    "ATTESTATION, sign:attestation",
    "AGGREGATION_SLOT, sign:aggregate",
    "AGGREGATE_AND_PROOF, sign:aggregate",
    "AGGREGATE_AND_PROOF_V2, sign:aggregate",
    "DEPOSIT, sign:deposit",
    "RANDAO_REVEAL, sign:randao",
    "VOLUNTARY_EXIT, sign:exit",
    "SYNC_COMMITTEE_MESSAGE, sign:sync",
    "SYNC_COMMITTEE_SELECTION_PROOF, sign:sync",
    "SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF, sign:sync",
    "VALIDATOR_REGISTRATION, sign:registration",
  })
  void everySigningTypeMapsToItsScope(String type, String scope) {
    assertEquals(Scope.parse(scope), SigningScopes.requiredFor(type).orElseThrow());
  }

  @Test
  void exactlyTheThirteenWeb3SignerTypesAreMapped() {
    assertEquals(13, SigningScopes.signingTypes().size());
    assertTrue(SigningScopes.requiredFor("BLOCK_V3").isEmpty());
    assertTrue(SigningScopes.requiredFor("attestation").isEmpty(), "type names are case-sensitive");
    assertTrue(SigningScopes.requiredFor(null).isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "BLOCK", "BLOCK_V2", "ATTESTATION", "AGGREGATION_SLOT", "AGGREGATE_AND_PROOF",
    "AGGREGATE_AND_PROOF_V2", "RANDAO_REVEAL", "SYNC_COMMITTEE_MESSAGE",
    "SYNC_COMMITTEE_SELECTION_PROOF", "SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF",
    "VALIDATOR_REGISTRATION"})
  void validateCoversEveryRoutineDuty(String type) {
    assertTrue(Scopes.parse("validate").grants(SigningScopes.requiredFor(type).orElseThrow()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"VOLUNTARY_EXIT", "DEPOSIT"})
  void validateNeverCoversExitOrDeposit(String type) {
    assertFalse(Scopes.parse("validate").grants(SigningScopes.requiredFor(type).orElseThrow()));
  }

  @Test
  void validateGrantsNoManagementScope() {
    Scopes validate = Scopes.parse("validate");
    for (Scope s : EnumSet.of(Scope.KEYS_READ, Scope.KEYS_WRITE, Scope.SLASHING_READ,
        Scope.SLASHING_WRITE, Scope.ADMIN, Scope.SIGN_EXIT, Scope.SIGN_DEPOSIT)) {
      assertFalse(validate.grants(s), s.wireName());
    }
  }

  @ParameterizedTest
  @EnumSource(value = Scope.class, names = {"VALIDATE"}, mode = EnumSource.Mode.EXCLUDE)
  void everyOtherScopeGrantsOnlyItself(Scope scope) {
    for (Scope other : Scope.values()) {
      assertEquals(other == scope, Scopes.of(scope).grants(other), scope + " vs " + other);
    }
  }

  @Test
  void adminDoesNotImplySigning() {
    assertFalse(Scopes.parse("admin").grants(Scope.SIGN_ATTESTATION));
    assertFalse(Scopes.parse("admin").grants(Scope.KEYS_WRITE));
  }

  @Test
  void parsesListsSeparatedByCommasOrSpaces() {
    Scopes s = Scopes.parse(" validate,keys:read  sign:exit ,");
    assertEquals(Set.of(Scope.VALIDATE, Scope.KEYS_READ, Scope.SIGN_EXIT), s.held());
    assertEquals("sign:exit,validate,keys:read", s.toWire());
    assertEquals(s, Scopes.parse(s.toWire()));
  }

  @Test
  void unknownScopeIsNamedAndValidOnesListed() {
    InvalidScopeException e =
        assertThrows(InvalidScopeException.class, () -> Scopes.parse("validate, sign:everything"));
    assertTrue(e.getMessage().contains("'sign:everything'"), e.getMessage());
    assertTrue(e.getMessage().contains("sign:attestation"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", " , "})
  void emptyScopeListsAreRefused(String list) {
    assertThrows(InvalidScopeException.class, () -> Scopes.parse(list));
  }

  @Test
  void scopeNamesAreCaseSensitiveAndExact() {
    assertThrows(InvalidScopeException.class, () -> Scope.parse("Validate"));
    assertThrows(InvalidScopeException.class, () -> Scope.parse("sign:"));
    assertEquals(Scope.SLASHING_WRITE, Scope.parse("slashing:write"));
  }

  @Test
  void errorEchoIsCappedSoAPastedSecretDoesNotRideAlong() {
    String pasted = "pal_" + "x".repeat(60);
    InvalidScopeException e = assertThrows(InvalidScopeException.class, () -> Scope.parse(pasted));
    assertFalse(e.getMessage().contains(pasted));
  }
}
