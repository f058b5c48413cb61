package dev.palisade.vault.watermark;

import static org.junit.jupiter.api.Assertions.*;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.signing.SlashingSubject;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.SigningVectors;
import dev.palisade.vault.TestKeys;
import dev.palisade.vault.VaultRefusedException;
import dev.palisade.vault.VaultRefusedException.Rule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatermarkVaultTest {
  private static final BlsPublicKey KEY = TestKeys.random(new Random(1)).publicKey();
  private static final Bytes32 R1 = Bytes32.wrap(filled(1));
  private static final Bytes32 R2 = Bytes32.wrap(filled(2));

  private static byte[] filled(int b) {
    byte[] bytes = new byte[32];
    java.util.Arrays.fill(bytes, (byte) b);
    return bytes;
  }

  private static Rule refusal(Watermark w, SlashingSubject s, Bytes32 root) {
    return assertThrows(VaultRefusedException.class, () -> WatermarkPolicy.next(KEY, w, s, root)).rule();
  }

  @Test
  void blockRules() {
    Watermark w = WatermarkPolicy.next(KEY, Watermark.NONE, new SlashingSubject.Block(10), R1);
    assertEquals(10, w.blockSlot());
    assertSame(w, WatermarkPolicy.next(KEY, w, new SlashingSubject.Block(10), R1), "identical re-sign");
    assertEquals(Rule.BLOCK_DOUBLE_PROPOSAL, refusal(w, new SlashingSubject.Block(10), R2));
    assertEquals(Rule.BLOCK_SLOT_BELOW_WATERMARK, refusal(w, new SlashingSubject.Block(9), R1));
    assertEquals(11, WatermarkPolicy.next(KEY, w, new SlashingSubject.Block(11), R2).blockSlot());
  }

  @Test
  void attestationRules() {
    Watermark w = WatermarkPolicy.next(KEY, Watermark.NONE, new SlashingSubject.Attestation(5, 6), R1);
    assertSame(w, WatermarkPolicy.next(KEY, w, new SlashingSubject.Attestation(5, 6), R1));
    assertEquals(Rule.ATTESTATION_DOUBLE_VOTE, refusal(w, new SlashingSubject.Attestation(5, 6), R2));
    assertEquals(Rule.ATTESTATION_TARGET_BELOW_WATERMARK, refusal(w, new SlashingSubject.Attestation(4, 5), R2));
    assertEquals(Rule.ATTESTATION_SOURCE_BELOW_WATERMARK, refusal(w, new SlashingSubject.Attestation(4, 7), R2));
    assertEquals(Rule.ATTESTATION_SOURCE_AFTER_TARGET, refusal(Watermark.NONE, new SlashingSubject.Attestation(8, 7), R2));
    Watermark next = WatermarkPolicy.next(KEY, w, new SlashingSubject.Attestation(5, 7), R2);
    assertEquals(5, next.sourceEpoch());
    assertEquals(R1, next.sourceRoot());
    assertEquals(7, next.targetEpoch());
    assertEquals(R2, next.targetRoot());
    // blocks and attestations are independent
    assertEquals(3, WatermarkPolicy.next(KEY, next, new SlashingSubject.Block(3), R1).blockSlot());
  }

  @Test
  void fileStorePersistsAndDropsATornTail(@TempDir Path dir) throws Exception {
    Watermark w = Watermark.NONE.withBlock(100, R1).withAttestation(3, R1, 4, R2);
    try (FileWatermarkStore store = FileWatermarkStore.open(dir)) {
      store.save(KEY, Watermark.NONE.withBlock(99, R2));
      store.save(KEY, w);
    }
    // a crash mid-append leaves a partial record: it is ignored
    Files.write(dir.resolve(FileWatermarkStore.FILE_NAME), new byte[40], StandardOpenOption.APPEND);
    try (FileWatermarkStore store = FileWatermarkStore.open(dir)) {
      assertEquals(w, store.loadAll().get(KEY));
      assertThrows(WatermarkStoreException.class, () -> FileWatermarkStore.open(dir), "locked by the open store");
    }
    assertEquals(
        8 + FileWatermarkStore.RECORD, Files.size(dir.resolve(FileWatermarkStore.FILE_NAME)), "compacted to one record");
    assertEquals("rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(FileWatermarkStore.FILE_NAME))));
  }

  @Test
  void vaultRefusesBelowItsWatermarksAcrossRestarts(@TempDir Path dir) {
    List<SigningVectors.Vector> vectors = SigningVectors.ordered();
    SigningVectors.Vector firstBlock = vectors.stream().filter(v -> v.group() == 1).findFirst().orElseThrow();
    SigningVectors.Vector lastBlock = vectors.stream().filter(v -> v.group() == 1).reduce((a, b) -> b).orElseThrow();
    SigningVectors.Vector lastAttestation = vectors.get(vectors.size() - 1);
    SigningVectors.Vector firstAttestation = vectors.stream().filter(v -> v.group() == 2).findFirst().orElseThrow();
    BlsPublicKey key;
    byte[] secret = SigningVectors.secret();
    try (InProcessVault vault = new InProcessVault(FileWatermarkStore.open(dir))) {
      BlsSecretKey secretKey = BlsSecretKey.fromBytes(secret);
      key = secretKey.publicKey();
      vault.add(secretKey);
      vault.sign(key, lastBlock.request(), dev.palisade.vault.VaultSigning.MAINNET);
      vault.sign(key, lastAttestation.request(), dev.palisade.vault.VaultSigning.MAINNET);
    }
    try (InProcessVault vault = new InProcessVault(FileWatermarkStore.open(dir))) {
      vault.add(BlsSecretKey.fromBytes(secret));
      assertEquals(Rule.BLOCK_SLOT_BELOW_WATERMARK,
          assertThrows(VaultRefusedException.class,
              () -> vault.sign(key, firstBlock.request(), dev.palisade.vault.VaultSigning.MAINNET)).rule());
      assertEquals(Rule.ATTESTATION_TARGET_BELOW_WATERMARK,
          assertThrows(VaultRefusedException.class,
              () -> vault.sign(key, firstAttestation.request(), dev.palisade.vault.VaultSigning.MAINNET)).rule());
      // identical re-signs still work after the restart
      assertEquals(lastBlock.signature(), vault.sign(key, lastBlock.request(), dev.palisade.vault.VaultSigning.MAINNET).toHex());
      assertEquals(lastAttestation.signature(),
          vault.sign(key, lastAttestation.request(), dev.palisade.vault.VaultSigning.MAINNET).toHex());
      // a removed and re-added key keeps its watermark
      vault.remove(key);
      vault.add(BlsSecretKey.fromBytes(secret));
      assertThrows(VaultRefusedException.class,
          () -> vault.sign(key, firstBlock.request(), dev.palisade.vault.VaultSigning.MAINNET));
    } finally {
      java.util.Arrays.fill(secret, (byte) 0);
    }
  }
}
