package dev.palisade.cli;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.server.NodeStorage;
import dev.palisade.store.Database;
import dev.palisade.server.NodeConfig;
import dev.palisade.server.keys.SealedKeys;
import dev.palisade.server.keys.SealedKeysConfig;
import dev.palisade.slashing.SlashingProtections;
import dev.palisade.vault.kek.PassphraseSource;
import dev.palisade.vault.keys.KeySealer;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Fills a data path with N sealed random keys of the default operator, in the database and under
 * the KEK that {@code palisade run --data-path DIR --kek-passphrase-file FILE} uses (for measuring
 * readiness with many keys):
 *
 * <pre>java -cp ... dev.palisade.cli.SealedKeysGenerator DIR PASSPHRASE_FILE N</pre>
 */
public final class SealedKeysGenerator {
  private static final int CHUNK = 5_000;

  public static void main(String[] args) throws Exception {
    Path dataPath = Path.of(args[0]);
    Path passphraseFile = Path.of(args[1]);
    int count = Integer.parseInt(args[2]);
    Files.createDirectories(dataPath);
    SlashingProtections.sqlite(dataPath).close(); // the slashing schema first, as `palisade run` does
    long started = System.nanoTime();
    SealedKeysConfig config =
        new SealedKeysConfig(
            dataPath.resolve("kek.sealed"),
            Optional.of(() -> PassphraseSource.fromFile(passphraseFile)),
            Optional.empty());
    int inserted = 0;
    try (Database database = NodeStorage.open(NodeConfig.SlashingConfig.embedded(), dataPath);
        SealedKeys sealed = SealedKeys.open(config, SealedKeys.store(database), OperatorId.DEFAULT, true)) {
      for (int offset = 0; offset < count; offset += CHUNK) {
        int first = offset;
        List<SealedKey> chunk =
            IntStream.range(0, Math.min(CHUNK, count - offset))
                .parallel()
                .mapToObj(i -> seal(first + i, sealed))
                .toList();
        inserted += sealed.store().insertAllNew(new ArrayList<>(chunk));
      }
    }
    System.out.printf("%d sealed keys (%d new) in %.1f s%n", count, inserted, (System.nanoTime() - started) / 1e9);
  }

  private static SealedKey seal(long seed, SealedKeys sealed) {
    byte[] secret = new byte[32];
    new Random(seed * 0x9E3779B97F4A7C15L + 17).nextBytes(secret);
    secret[0] &= 0x3f;
    secret[31] |= 1;
    try (BlsSecretKey key = BlsSecretKey.fromBytes(secret)) {
      return KeySealer.seal(key, OperatorId.DEFAULT, sealed.kek().orElseThrow());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      java.util.Arrays.fill(secret, (byte) 0);
    }
  }
}
