package dev.palisade.vault.watermark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.signing.SlashingSubject;
import dev.palisade.vault.TestKeys;
import dev.palisade.vault.VaultRefusedException;
import dev.palisade.vault.VaultRefusedException.Rule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watermark file after a crash or a full disk: torn tails are dropped, real corruption is not. */
class FileWatermarkStoreTest {
  private static final BlsPublicKey A = TestKeys.random(new Random(11)).publicKey();
  private static final BlsPublicKey B = TestKeys.random(new Random(12)).publicKey();
  private static final Bytes32 ROOT = Bytes32.wrap(new byte[32]);
  private static final Watermark A_WATERMARK = Watermark.NONE.withBlock(100, ROOT).withAttestation(9, ROOT, 10, ROOT);
  private static final Watermark B_WATERMARK = Watermark.NONE.withBlock(200, ROOT);

  @TempDir Path dir;

  private Path file() {
    return dir.resolve(FileWatermarkStore.FILE_NAME);
  }

  private void writeTwoKeys() {
    try (FileWatermarkStore store = FileWatermarkStore.open(dir)) {
      store.save(A, A_WATERMARK);
      store.save(B, B_WATERMARK);
    }
  }

  /** Runs {@code action} and returns what it logged (slf4j-simple logs to System.err). */
  private static String stderrOf(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aTornTailRecordIsTruncatedWithAWarnAndEarlierWatermarksHold() throws Exception {
    writeTwoKeys();
    byte[] record = FileWatermarkStore.encode(A, Watermark.NONE.withBlock(500, ROOT));
    Files.write(file(), Arrays.copyOf(record, record.length / 2), StandardOpenOption.APPEND);
    long tornSize = Files.size(file());

    FileWatermarkStore[] reopened = new FileWatermarkStore[1];
    String log = stderrOf(() -> reopened[0] = FileWatermarkStore.open(dir));
    try (FileWatermarkStore store = reopened[0]) {
      assertTrue(log.contains("WARN"), log);
      assertTrue(log.contains("truncated " + record.length / 2 + " bytes of a torn record"), log);
      assertEquals(Map.of(A, A_WATERMARK, B, B_WATERMARK), store.loadAll());
      assertEquals(
          Rule.BLOCK_SLOT_BELOW_WATERMARK,
          assertThrows(VaultRefusedException.class,
              () -> WatermarkPolicy.next(A, store.loadAll().get(A), new SlashingSubject.Block(99), ROOT)).rule());
      assertEquals(
          Rule.ATTESTATION_TARGET_BELOW_WATERMARK,
          assertThrows(VaultRefusedException.class,
              () -> WatermarkPolicy.next(A, store.loadAll().get(A), new SlashingSubject.Attestation(8, 9), ROOT)).rule());
    }
    assertEquals(tornSize - record.length / 2, Files.size(file()), "the torn bytes are gone");
  }

  @Test
  void aFullDiskMidAppendLeavesNoTornRecordBehindLaterOnes() throws Exception {
    writeTwoKeys();
    FaultyChannel[] channel = new FaultyChannel[1];
    try (FileWatermarkStore store = FileWatermarkStore.open(dir, c -> channel[0] = new FaultyChannel(c))) {
      channel[0].failNextWriteAfter(FileWatermarkStore.RECORD / 2); // ENOSPC halfway through
      assertThrows(WatermarkStoreException.class, () -> store.save(A, Watermark.NONE.withBlock(300, ROOT)));
      store.save(B, Watermark.NONE.withBlock(201, ROOT)); // space again: this one is answered
    }
    try (FileWatermarkStore store = FileWatermarkStore.open(dir)) {
      assertEquals(Map.of(A, A_WATERMARK, B, Watermark.NONE.withBlock(201, ROOT)), store.loadAll());
    }
  }

  @Test
  void anAppendThatCannotBeCutOffFailsEveryLaterSaveUntilARestart() throws Exception {
    writeTwoKeys();
    FaultyChannel[] channel = new FaultyChannel[1];
    try (FileWatermarkStore store = FileWatermarkStore.open(dir, c -> channel[0] = new FaultyChannel(c))) {
      channel[0].failNextWriteAfter(10);
      channel[0].failTruncate = true;
      String log = stderrOf(() ->
          assertThrows(WatermarkStoreException.class, () -> store.save(A, Watermark.NONE.withBlock(300, ROOT))));
      assertTrue(log.contains("could not be cut off"), log);
      WatermarkStoreException later =
          assertThrows(WatermarkStoreException.class, () -> store.save(B, Watermark.NONE.withBlock(201, ROOT)));
      assertTrue(later.getMessage().contains("restart the vault"), later.getMessage());
    }
    String log = stderrOf(() -> {
      try (FileWatermarkStore store = FileWatermarkStore.open(dir)) {
        assertEquals(Map.of(A, A_WATERMARK, B, B_WATERMARK), store.loadAll());
      }
    });
    assertTrue(log.contains("truncated 10 bytes of a torn record"), log);
  }

  @Test
  void corruptionInTheMiddleStillRefusesToStart() throws Exception {
    writeTwoKeys();
    byte[] content = Files.readAllBytes(file());
    content[8 + 60] ^= 1; // inside the first of two records
    Files.write(file(), content);
    WatermarkStoreException e = assertThrows(WatermarkStoreException.class, () -> FileWatermarkStore.open(dir));
    assertTrue(e.getMessage().contains("corrupt watermark record at byte 8"), e.getMessage());
  }

  @Test
  void aTornRecordFollowedByAValidOneIsCorruptionNotATail() throws Exception {
    // What older versions left after a full disk: half a record, then a later (answered) append.
    writeTwoKeys();
    byte[] torn = FileWatermarkStore.encode(A, Watermark.NONE.withBlock(300, ROOT));
    Files.write(file(), Arrays.copyOf(torn, 50), StandardOpenOption.APPEND);
    Files.write(file(), FileWatermarkStore.encode(B, Watermark.NONE.withBlock(201, ROOT)), StandardOpenOption.APPEND);
    long size = Files.size(file());
    WatermarkStoreException e = assertThrows(WatermarkStoreException.class, () -> FileWatermarkStore.open(dir));
    assertTrue(e.getMessage().contains("a valid record follows at byte " + (size - FileWatermarkStore.RECORD)),
        e.getMessage());
    assertEquals(size, Files.size(file()), "a refused file is left as it was");
    assertFalse(Files.exists(dir.resolve(FileWatermarkStore.FILE_NAME + ".tmp")));
  }

  /** Fails one write after letting part of it through, as a disk that fills up mid-append does. */
  private static final class FaultyChannel extends DelegatingFileChannel {
    private int failAfter = -1;
    boolean failTruncate;

    FaultyChannel(java.nio.channels.FileChannel delegate) {
      super(delegate);
    }

    void failNextWriteAfter(int bytes) {
      failAfter = bytes;
    }

    @Override
    public int write(java.nio.ByteBuffer src) throws IOException {
      if (failAfter < 0) {
        return super.write(src);
      }
      java.nio.ByteBuffer part = src.slice().limit(Math.min(failAfter, src.remaining()));
      super.write(part);
      failAfter = -1;
      throw new IOException("No space left on device");
    }

    @Override
    public java.nio.channels.FileChannel truncate(long size) throws IOException {
      if (failTruncate) {
        throw new IOException("Input/output error");
      }
      return super.truncate(size);
    }
  }
}
