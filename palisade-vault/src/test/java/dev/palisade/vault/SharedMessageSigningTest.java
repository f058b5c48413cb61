package dev.palisade.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.signing.SigningType;
import dev.palisade.vault.InProcessVault.HashToCurveStats;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The vault's hash-to-curve sharing against the mainnet signing vectors: every type signs to the vector's
 * signature on a first and a repeated signature; only types many validators sign alike are shared, and
 * only within a tenant.
 */
class SharedMessageSigningTest {

  @Test
  void everyVectorSignsAlikeOnMissAndHitAndOnlyPublicTypesAreShared() {
    byte[] secret = SigningVectors.secret();
    try (InProcessVault vault = new InProcessVault()) {
      vault.add(BlsSecretKey.fromBytes(secret));
      Arrays.fill(secret, (byte) 0);
      List<SigningVectors.Vector> vectors = SigningVectors.ordered();
      long shared = vectors.stream().filter(v -> v.request().type().signedAlikeByManyValidators()).count();
      assertTrue(shared >= 2, "the vectors hold attestations and selection proofs");
      for (SigningVectors.Vector v : vectors) {
        for (int repeat = 0; repeat < 2; repeat++) {
          String signature = vault.sign(SigningVectors.publicKey(), v.request(), VaultSigning.MAINNET, "operator-a").toHex();
          assertEquals(v.signature(), signature, v.name() + " signature " + (repeat + 1));
        }
      }
      // each shared vector: hashed once, reused once; a message may repeat across vectors, so at least
      HashToCurveStats stats = vault.hashToCurveStats();
      assertEquals(2 * shared, stats.hits() + stats.misses(), "only shared types go through the cache");
      assertTrue(stats.hits() >= shared, "the repeated signature reuses the hash: " + stats);

      SigningVectors.Vector selectionProof = vectors.stream()
          .filter(v -> v.request().type() == SigningType.AGGREGATION_SLOT).findFirst().orElseThrow();
      long missesBefore = vault.hashToCurveStats().misses();
      assertEquals(selectionProof.signature(),
          vault.sign(SigningVectors.publicKey(), selectionProof.request(), VaultSigning.MAINNET, "operator-b").toHex());
      assertEquals(missesBefore + 1, vault.hashToCurveStats().misses(), "another tenant does not reuse operator-a's hash");
      HashToCurveStats beforeUnnamed = vault.hashToCurveStats();
      assertEquals(selectionProof.signature(),
          vault.sign(SigningVectors.publicKey(), selectionProof.request(), VaultSigning.MAINNET).toHex());
      assertEquals(beforeUnnamed, vault.hashToCurveStats(), "a caller that names no tenant shares nothing");
    }
  }
}
