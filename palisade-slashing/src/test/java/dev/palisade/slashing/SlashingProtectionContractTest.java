package dev.palisade.slashing;

import static dev.palisade.slashing.TestData.GVR;
import static dev.palisade.slashing.TestData.MAX_UINT64;
import static dev.palisade.slashing.TestData.OTHER_GVR;
import static dev.palisade.slashing.TestData.TWO_TO_63;
import static dev.palisade.slashing.TestData.export;
import static dev.palisade.slashing.TestData.json;
import static dev.palisade.slashing.TestData.key;
import static dev.palisade.slashing.TestData.root;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.slashing.InterchangeException.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every store must have; run once per store by the subclasses. */
abstract class SlashingProtectionContractTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final BlsPublicKey A = key(1);
  static final BlsPublicKey B = key(2);

  abstract StoreFactory factory();

  SlashingProtection store;

  @BeforeEach
  void open() {
    store = factory().open();
  }

  @AfterEach
  void close() {
    store.close();
  }

  // --- rules ----------------------------------------------------------------------------------

  @Test
  void blockRulesNameTheRuleAndTheConflictingRecord() {
    assertEquals(Verdict.Allowed.RECORDED, store.checkAndRecordBlock(A, GVR, 10, root(1)));
    assertEquals(Verdict.Allowed.IDENTICAL_RESIGN, store.checkAndRecordBlock(A, GVR, 10, root(1)));
    Verdict.Refused dbl = refused(store.checkAndRecordBlock(A, GVR, 10, root(2)));
    assertEquals("block_double_proposal", dbl.ruleName());
    assertEquals(new SignedBlock(10, root(1)), dbl.conflicting());
    Verdict.Refused below = refused(store.checkAndRecordBlock(A, GVR, 9, root(3)));
    assertEquals(Rule.BLOCK_BELOW_WATERMARK, below.rule());
    assertEquals(new SignedBlock(10, root(1)), below.conflicting());
    assertEquals(Verdict.Allowed.RECORDED, store.checkAndRecordBlock(A, GVR, 11, root(4)));
    // an identical re-sign of an older block we signed is still allowed
    assertEquals(Verdict.Allowed.IDENTICAL_RESIGN, store.checkAndRecordBlock(A, GVR, 10, root(1)));
    // other validators are independent
    assertEquals(Verdict.Allowed.RECORDED, store.checkAndRecordBlock(B, GVR, 10, root(2)));
  }

  @Test
  void attestationRulesNameTheRuleAndTheConflictingRecord() {
    assertEquals(Verdict.Allowed.RECORDED, store.checkAndRecordAttestation(A, GVR, 10, 20, root(1)));
    assertEquals(
        Verdict.Allowed.IDENTICAL_RESIGN, store.checkAndRecordAttestation(A, GVR, 10, 20, root(1)));
    SignedAttestation existing = new SignedAttestation(10, 20, root(1));
    Verdict.Refused dbl = refused(store.checkAndRecordAttestation(A, GVR, 11, 20, root(2)));
    assertEquals("attestation_double_vote", dbl.ruleName());
    assertEquals(existing, dbl.conflicting());
    Verdict.Refused surrounded = refused(store.checkAndRecordAttestation(A, GVR, 11, 19, root(3)));
    assertEquals("attestation_surrounded_by_existing", surrounded.ruleName());
    assertEquals(existing, surrounded.conflicting());
    Verdict.Refused surrounds = refused(store.checkAndRecordAttestation(A, GVR, 9, 21, root(3)));
    assertEquals("attestation_surrounds_existing", surrounds.ruleName());
    Verdict.Refused below = refused(store.checkAndRecordAttestation(A, GVR, 5, 15, root(3)));
    assertEquals("attestation_below_watermark", below.ruleName());
    Verdict.Refused backwards = refused(store.checkAndRecordAttestation(A, GVR, 30, 29, root(3)));
    assertEquals("attestation_source_exceeds_target", backwards.ruleName());
    assertEquals(Verdict.Allowed.RECORDED, store.checkAndRecordAttestation(A, GVR, 10, 21, root(4)));
    assertEquals(Verdict.Allowed.RECORDED, store.checkAndRecordAttestation(A, GVR, 21, 22, root(5)));
  }

  @Test
  void valuesAtAndAbove2To63AreComparedUnsigned() {
    long below = TWO_TO_63 - 1; // 2^63 - 1 = Long.MAX_VALUE
    assertTrue(store.checkAndRecordBlock(A, GVR, below, root(1)).isAllowed());
    assertTrue(store.checkAndRecordBlock(A, GVR, TWO_TO_63, root(2)).isAllowed());
    assertFalse(store.checkAndRecordBlock(A, GVR, below, root(3)).isAllowed());
    assertFalse(store.checkAndRecordBlock(A, GVR, 5, root(3)).isAllowed());
    assertTrue(store.checkAndRecordBlock(A, GVR, MAX_UINT64, root(4)).isAllowed());
    assertFalse(store.checkAndRecordBlock(A, GVR, MAX_UINT64 - 1, root(5)).isAllowed());

    assertTrue(store.checkAndRecordAttestation(A, GVR, below, TWO_TO_63, root(1)).isAllowed());
    assertFalse(store.checkAndRecordAttestation(A, GVR, 0, below, root(2)).isAllowed());
    assertFalse(store.checkAndRecordAttestation(A, GVR, 1, MAX_UINT64, root(2)).isAllowed());
    assertTrue(store.checkAndRecordAttestation(A, GVR, TWO_TO_63, MAX_UINT64, root(3)).isAllowed());
    assertEquals(
        "attestation_source_exceeds_target",
        refused(store.checkAndRecordAttestation(B, GVR, MAX_UINT64, TWO_TO_63, root(3))).ruleName());

    String exported = export(store, A);
    assertTrue(exported.contains("\"18446744073709551615\""), exported);
    assertTrue(exported.contains("\"9223372036854775808\""), exported);
    assertTrue(exported.contains("\"9223372036854775807\""), exported);
  }

  @Test
  void genesisValidatorsRootIsPinnedOnFirstUse() throws Exception {
    assertTrue(store.genesisValidatorsRoot().isEmpty());
    assertTrue(store.checkAndRecordBlock(A, GVR, 1, root(1)).isAllowed());
    assertEquals(GVR, store.genesisValidatorsRoot().orElseThrow());
    Verdict.Refused wrong = refused(store.checkAndRecordBlock(A, OTHER_GVR, 2, root(1)));
    assertEquals(Rule.GENESIS_VALIDATORS_ROOT_MISMATCH, wrong.rule());
    assertEquals(new Conflict.PinnedGenesisRoot(GVR), wrong.conflicting());
    assertEquals(
        Rule.GENESIS_VALIDATORS_ROOT_MISMATCH,
        refused(store.checkAndRecordAttestation(B, OTHER_GVR, 1, 2, root(1))).rule());
    assertThrows(
        GenesisValidatorsRootMismatchException.class,
        () -> store.pinGenesisValidatorsRoot(OTHER_GVR));
    store.pinGenesisValidatorsRoot(GVR);
    InterchangeException e =
        assertThrows(
            InterchangeException.class,
            () -> store.importInterchange(json(interchange(OTHER_GVR, A, "5", "1", "2"))));
    assertEquals(Problem.GENESIS_VALIDATORS_ROOT_MISMATCH, e.problem());
    // the mismatching request did not record slot 2
    assertTrue(store.checkAndRecordBlock(A, GVR, 2, root(9)).isAllowed());
  }

  @Test
  void disabledValidatorIsRefusedUntilEnabled() {
    store.registerValidators(List.of(A, B));
    store.registerValidators(List.of(A, B)); // idempotent
    store.setEnabled(A, false);
    assertEquals("validator_disabled", refused(store.checkAndRecordBlock(A, GVR, 1, root(1))).ruleName());
    assertEquals(
        "validator_disabled", refused(store.checkAndRecordAttestation(A, GVR, 1, 2, root(1))).ruleName());
    assertTrue(store.checkAndRecordBlock(B, GVR, 1, root(1)).isAllowed());
    store.setEnabled(A, true);
    assertTrue(store.checkAndRecordBlock(A, GVR, 1, root(1)).isAllowed());
  }

  @Test
  void healthIsUp() {
    HealthStatus h = store.health();
    assertTrue(h.up(), h.message());
  }

  // --- interchange ----------------------------------------------------------------------------

  @Test
  void exportThenImportIntoAFreshDatabaseRoundTrips() throws Exception {
    store.importInterchange(
        json(
            """
            {"metadata": {"interchange_format_version": "5",
              "genesis_validators_root": "%s"},
             "data": [{"pubkey": "%s",
               "signed_blocks": [{"slot": "3"}, {"slot": "9223372036854775808", "signing_root": "%s"}],
               "signed_attestations": [{"source_epoch": "1", "target_epoch": "4"},
                                       {"source_epoch": "0", "target_epoch": "2", "signing_root": "%s"}]}]}
            """
                .formatted(GVR.toHex(), B.toHex(), root(7).toHex(), root(8).toHex())));
    for (int i = 0; i < 5; i++) {
      assertTrue(store.checkAndRecordBlock(A, GVR, 100 + i, root(i)).isAllowed());
      assertTrue(store.checkAndRecordAttestation(A, GVR, i, i + 1, root(i)).isAllowed());
    }
    store.registerValidators(List.of(key(3))); // a key with no history
    String first = export(store);

    try (SlashingProtection fresh = factory().open()) {
      fresh.importInterchange(json(first));
      String second = export(fresh);
      assertEquals(MAPPER.readTree(first), MAPPER.readTree(second));
      assertEquals(first, second, "canonical order: the same bytes");
      // importing again is idempotent
      fresh.importInterchange(json(first));
      assertEquals(first, export(fresh));
      // imported history protects: nothing at or below the imported watermarks is signable
      assertFalse(fresh.checkAndRecordBlock(A, GVR, 104, root(4)).isAllowed());
      assertFalse(fresh.checkAndRecordAttestation(A, GVR, 4, 5, root(4)).isAllowed());
      assertTrue(fresh.checkAndRecordBlock(A, GVR, 105, root(4)).isAllowed());
    }
    JsonNode parsed = MAPPER.readTree(first);
    assertEquals("5", parsed.at("/metadata/interchange_format_version").asText());
    assertEquals(3, parsed.get("data").size());
  }

  @Test
  void perKeyExportAndImport() throws Exception {
    assertTrue(store.checkAndRecordBlock(A, GVR, 10, root(1)).isAllowed());
    assertTrue(store.checkAndRecordBlock(B, GVR, 20, root(2)).isAllowed());
    JsonNode onlyA = MAPPER.readTree(export(store, A));
    assertEquals(1, onlyA.get("data").size());
    assertEquals(A.toHex(), onlyA.at("/data/0/pubkey").asText());

    String both = export(store);
    try (SlashingProtection fresh = factory().open()) {
      fresh.importInterchange(json(both), List.of(B));
      JsonNode imported = MAPPER.readTree(export(fresh));
      assertEquals(1, imported.get("data").size());
      assertEquals(B.toHex(), imported.at("/data/0/pubkey").asText());
      assertTrue(fresh.checkAndRecordBlock(A, GVR, 10, root(1)).isAllowed());
      assertFalse(fresh.checkAndRecordBlock(B, GVR, 20, root(2)).isAllowed());
    }
  }

  @Test
  void importMergesAndWatermarksOnlyMoveUp() throws Exception {
    assertTrue(store.checkAndRecordBlock(A, GVR, 50, root(1)).isAllowed());
    store.importInterchange(json(interchange(GVR, A, "5", "10", "20")));
    assertFalse(store.checkAndRecordBlock(A, GVR, 49, root(2)).isAllowed());
    assertTrue(store.checkAndRecordBlock(A, GVR, 51, root(2)).isAllowed());
    store.importInterchange(json(interchange(GVR, A, "100", "10", "20")));
    assertFalse(store.checkAndRecordBlock(A, GVR, 100, root(3)).isAllowed());
    assertTrue(store.checkAndRecordBlock(A, GVR, 101, root(3)).isAllowed());
    assertFalse(store.checkAndRecordAttestation(A, GVR, 10, 20, root(3)).isAllowed());
    assertTrue(store.checkAndRecordAttestation(A, GVR, 10, 21, root(3)).isAllowed());
  }

  @Test
  void invalidInterchangeFilesChangeNothing() throws Exception {
    assertTrue(store.checkAndRecordBlock(A, GVR, 10, root(1)).isAllowed());
    assertTrue(store.checkAndRecordAttestation(A, GVR, 1, 2, root(1)).isAllowed());
    String before = export(store);
    String valid = interchange(GVR, B, "500", "300", "400");
    List<String> invalid = new ArrayList<>();
    invalid.add("not json");
    invalid.add(valid.substring(0, valid.length() - 3)); // truncated
    invalid.add(valid.replace("\"5\"", "\"4\"")); // version
    invalid.add(valid.replace("\"interchange_format_version\": \"5\"", "\"interchange_format_version\": 5"));
    invalid.add("{\"data\": []}"); // no metadata
    invalid.add(valid.replace(GVR.toHex(), GVR.toHex().substring(0, 64))); // short gvr
    invalid.add(valid.replace(GVR.toHex(), OTHER_GVR.toHex())); // other network
    invalid.add(valid.replace(B.toHex(), B.toHex().substring(0, 96))); // 47-byte key
    invalid.add(valid.replace(B.toHex(), B.toHex().substring(2))); // no 0x
    invalid.add(valid.replace("\"500\"", "\"-1\""));
    invalid.add(valid.replace("\"500\"", "\"18446744073709551616\"")); // 2^64
    invalid.add(valid.replace("\"500\"", "500")); // number, not string
    invalid.add(valid.replace("\"300\"", "\"3e2\""));
    invalid.add(valid.replace("\"signed_blocks\"", "\"blocks\"")); // missing field
    invalid.add(valid.replace("\"data\": [", "\"data\": {").replace("]}]}", "]}}")); // data not array
    // a valid first validator followed by an invalid second one: nothing may be imported
    invalid.add(
        """
        {"metadata": {"interchange_format_version": "5", "genesis_validators_root": "%s"},
         "data": [{"pubkey": "%s", "signed_blocks": [{"slot": "900"}], "signed_attestations": []},
                  {"pubkey": "%s", "signed_blocks": [{"slot": "1", "signing_root": "0x12"}],
                   "signed_attestations": []}]}
        """
            .formatted(GVR.toHex(), A.toHex(), B.toHex()));
    invalid.add(valid.replace("{\"metadata\"", "{\"metadata\": {}, \"metadata\"")); // duplicate key
    for (String doc : invalid) {
      assertThrows(InterchangeException.class, () -> store.importInterchange(json(doc)), doc);
      assertEquals(before, export(store), "unchanged after " + doc);
    }
    store.importInterchange(json(valid)); // and the valid one does import
    assertFalse(store.checkAndRecordBlock(B, GVR, 500, root(1)).isAllowed());
    // the history of A is intact
    assertFalse(store.checkAndRecordBlock(A, GVR, 10, root(2)).isAllowed());
    assertTrue(store.checkAndRecordBlock(A, GVR, 11, root(2)).isAllowed());
  }

  @Test
  void pruningKeepsTheRetentionWindowAndTheWatermarks() throws Exception {
    try (SlashingProtection small =
        factory().open(SlashingOptions.defaults().withRetention(new SlashingOptions.Retention(3, 4)))) {
      for (int i = 1; i <= 20; i++) {
        assertTrue(small.checkAndRecordBlock(A, GVR, i, root(i)).isAllowed());
        assertTrue(small.checkAndRecordAttestation(A, GVR, i, i + 1, root(i)).isAllowed());
      }
      assertTrue(small.prune() > 0);
      JsonNode exported = MAPPER.readTree(export(small, A));
      JsonNode blocks = exported.at("/data/0/signed_blocks");
      assertEquals(5, blocks.size(), blocks.toString()); // slots 16..20
      assertEquals("16", blocks.get(0).get("slot").asText());
      JsonNode atts = exported.at("/data/0/signed_attestations");
      assertEquals(4, atts.size(), atts.toString()); // targets 18..21
      // decisions are unchanged: watermarks are intact
      assertFalse(small.checkAndRecordBlock(A, GVR, 20, root(99)).isAllowed());
      assertFalse(small.checkAndRecordBlock(A, GVR, 3, root(99)).isAllowed());
      assertEquals(Verdict.Allowed.IDENTICAL_RESIGN, small.checkAndRecordBlock(A, GVR, 20, root(20)));
      // an identical re-sign of a pruned block is no longer recognised: refused, never allowed
      assertFalse(small.checkAndRecordBlock(A, GVR, 3, root(3)).isAllowed());
      assertTrue(small.checkAndRecordBlock(A, GVR, 21, root(21)).isAllowed());
    }
  }

  /**
   * Checks of one group commit are decided each as alone (PostgreSQL sends a batch of attestations
   * for distinct validators as one statement): new, identical re-sign, double vote, surround and
   * disabled, mixed in one burst.
   */
  @Test
  void aBatchOfMixedChecksIsDecidedPerCheck() throws Exception {
    int keys = 40;
    List<BlsPublicKey> all = new ArrayList<>();
    for (int i = 0; i < keys; i++) all.add(key(5000 + i));
    store.registerValidators(all);
    store.pinGenesisValidatorsRoot(GVR);
    for (BlsPublicKey k : all) assertTrue(store.checkAndRecordAttestation(k, GVR, 10, 20, root(1)).isAllowed());
    store.setEnabled(all.get(4), false);
    StoreStats before = store.stats();
    List<CompletableFuture<Verdict>> inFlight = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      BlsPublicKey k = all.get(i);
      inFlight.add(switch (i % 5) {
        case 0 -> store.checkAndRecordAttestationAsync(k, GVR, 20, 21, root(2)); // new: recorded
        case 1 -> store.checkAndRecordAttestationAsync(k, GVR, 10, 20, root(1)); // identical re-sign
        case 2 -> store.checkAndRecordAttestationAsync(k, GVR, 10, 20, root(3)); // double vote
        case 3 -> store.checkAndRecordAttestationAsync(k, GVR, 9, 21, root(2)); // surrounds (10, 20)
        default -> store.checkAndRecordAttestationAsync(k, GVR, 20, 21, root(2)); // disabled (key 4) or new
      });
    }
    for (int i = 0; i < keys; i++) {
      Verdict v = inFlight.get(i).get();
      String expected = switch (i % 5) {
        case 0 -> "recorded";
        case 1 -> "identical_resign";
        case 2 -> Rule.ATTESTATION_DOUBLE_VOTE.code();
        case 3 -> Rule.ATTESTATION_SURROUNDS_EXISTING.code();
        default -> i == 4 ? Rule.VALIDATOR_DISABLED.code() : "recorded";
      };
      String actual = v instanceof Verdict.Refused r ? r.rule().code()
          : ((Verdict.Allowed) v).outcome().name().toLowerCase(java.util.Locale.ROOT);
      assertEquals(expected, actual, "check " + i);
    }
    // a second burst on top: every recorded check moved its watermark, no refused one did
    for (int i = 0; i < keys; i++) {
      boolean moved = i % 5 == 0 || (i % 5 == 4 && i != 4);
      Verdict again = store.checkAndRecordAttestation(all.get(i), GVR, 20, 21, root(9));
      assertEquals(!moved && i != 4, again.isAllowed(), "check " + i + " after the burst: " + again);
    }
    assertTrue(store.stats().since(before).checks() >= 2L * keys);
  }

  // --- instrumentation ------------------------------------------------------------------------

  @Test
  void roundTripsAndCommitsPerSignature() throws Exception {
    int keys = 64;
    List<BlsPublicKey> all = new ArrayList<>();
    for (int i = 0; i < keys; i++) all.add(key(1000 + i));
    store.registerValidators(all);
    store.pinGenesisValidatorsRoot(GVR);

    StoreStats start = store.stats();
    int sequential = 200;
    long t0 = System.nanoTime();
    for (int i = 0; i < sequential; i++) {
      assertTrue(store.checkAndRecordAttestation(all.get(i % keys), GVR, i, i + 1, root(i)).isAllowed());
    }
    double seqMillis = (System.nanoTime() - t0) / 1e6;
    StoreStats single = store.stats().since(start);
    assertEquals(sequential, single.checks());
    assertEquals(sequential, single.commits(), "one commit per lone request");
    if (factory().name().equals("postgresql")) {
      assertEquals(sequential, single.roundTrips(), "one round trip per lone request");
    }

    StoreStats before = store.stats();
    int rounds = 50;
    long t1 = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      List<CompletableFuture<Verdict>> inFlight = new ArrayList<>();
      for (BlsPublicKey k : all) {
        long epoch = 1000 + r;
        inFlight.add(store.checkAndRecordAttestationAsync(k, GVR, epoch, epoch + 1, root(r)));
      }
      for (CompletableFuture<Verdict> f : inFlight) assertTrue(f.get().isAllowed());
    }
    double loadMillis = (System.nanoTime() - t1) / 1e6;
    StoreStats load = store.stats().since(before);
    assertEquals((long) rounds * keys, load.checks());
    assertTrue(load.commitsPerCheck() < 0.5, "group commit shares commits: " + load);
    System.out.printf(
        "[%s] lone requests: %.2f round trips/sig, %.2f commits/sig, %.0f sig/s;"
            + " %d concurrent: %.3f round trips/sig, %.3f commits/sig, max batch %d, %.0f sig/s%n",
        factory().name(),
        single.roundTripsPerCheck(),
        single.commitsPerCheck(),
        sequential / (seqMillis / 1000),
        keys,
        load.roundTripsPerCheck(),
        load.commitsPerCheck(),
        load.maxBatchSize(),
        rounds * keys / (loadMillis / 1000));
  }

  static Verdict.Refused refused(Verdict v) {
    return assertInstanceOf(Verdict.Refused.class, v);
  }

  static String interchange(dev.palisade.eth2.Bytes32 gvr, BlsPublicKey key, String slot, String source, String target) {
    return """
        {"metadata": {"interchange_format_version": "5", "genesis_validators_root": "%s"},
         "data": [{"pubkey": "%s", "signed_blocks": [{"slot": "%s"}],
                   "signed_attestations": [{"source_epoch": "%s", "target_epoch": "%s"}]}]}"""
        .formatted(gvr.toHex(), key.toHex(), slot, source, target);
  }
}
