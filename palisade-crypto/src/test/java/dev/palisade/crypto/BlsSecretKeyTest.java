package dev.palisade.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Hex;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlsSecretKeyTest {
  private static final String SECRET_HEX =
      "263dbd792f5b1be47ed85f8938c0f29586af0d3ac7b977f21c278fe1462040e3";
  private static final BlsPublicKey PUBLIC_KEY =
      BlsPublicKey.fromHex(
          "0xa491d1b0ecd9bb917989f0e74f0dea0422eac4a873e5e2644f368dffb9a6e20fd6e10c1b77654d067c0618f6e5a7f79a");
  private static final BigInteger CURVE_ORDER =
      new BigInteger("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", 16);

  /** sign_case_c82df61aa3ee60fb: this key over 32 zero bytes. */
  private static final BlsSignature ZERO_ROOT_SIGNATURE =
      BlsSignature.fromHex(
          "0xb6ed936746e01f8ecf281f020953fbf1f01debd5657c4a383940b020b26507f6076334f91e2366c96e9ab279fb5158090352ea1c5b0c9274504f4f0e7053af24802e51e4568d164fe986834f41e55c8e850ce1f98458c0cfc9ab380b55285a55");

  private static byte[] secret() {
    return Hex.decode(SECRET_HEX);
  }

  private static byte[] bytes32(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }

  @Test
  void derivesTheSpecPublicKey() {
    try (BlsSecretKey key = BlsSecretKey.fromBytes(secret())) {
      assertEquals(PUBLIC_KEY, key.publicKey());
      assertTrue(Bls.isValidPublicKey(key.publicKey()));
    }
  }

  @Test
  void signsABytes32RootLikeItsBytes() {
    try (BlsSecretKey key = BlsSecretKey.fromBytes(secret())) {
      assertEquals(ZERO_ROOT_SIGNATURE, key.sign(Bytes32.ZERO));
      assertEquals(ZERO_ROOT_SIGNATURE, key.sign(new byte[32]));
      assertNotEquals(ZERO_ROOT_SIGNATURE, key.sign(new byte[31]));
    }
  }

  @Test
  void verifyRejectsAnotherMessageOrKey() {
    try (BlsSecretKey key = BlsSecretKey.fromBytes(secret());
        BlsSecretKey other = BlsSecretKey.fromBytes(bytes32(BigInteger.TWO))) {
      BlsSignature signature = key.sign(new byte[] {1, 2, 3});
      assertTrue(Bls.verify(key.publicKey(), new byte[] {1, 2, 3}, signature));
      assertFalse(Bls.verify(key.publicKey(), new byte[] {1, 2, 4}, signature));
      assertFalse(Bls.verify(other.publicKey(), new byte[] {1, 2, 3}, signature));
    }
  }

  @Test
  void acceptsTheLargestAndSmallestScalars() {
    try (BlsSecretKey one = BlsSecretKey.fromBytes(bytes32(BigInteger.ONE));
        BlsSecretKey max = BlsSecretKey.fromBytes(bytes32(CURVE_ORDER.subtract(BigInteger.ONE)))) {
      // (r - 1) * G = -G, so the two public keys differ only in the sign bit.
      byte[] g = one.publicKey().toArray();
      byte[] minusG = max.publicKey().toArray();
      assertEquals(g[0] ^ 0x20, minusG[0]);
      assertArrayEquals(Arrays.copyOfRange(g, 1, 48), Arrays.copyOfRange(minusG, 1, 48));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"zero", "r", "r+1", "max"})
  void rejectsOutOfRangeScalarsWithoutEchoingThem(String which) {
    BigInteger value =
        switch (which) {
          case "zero" -> BigInteger.ZERO;
          case "r" -> CURVE_ORDER;
          case "r+1" -> CURVE_ORDER.add(BigInteger.ONE);
          default -> BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
        };
    byte[] secret = bytes32(value);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BlsSecretKey.fromBytes(secret));
    assertFalse(e.getMessage().contains(Hex.encode(secret).substring(2, 20)));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 31, 33, 48})
  void rejectsWrongLengths(int length) {
    assertThrows(IllegalArgumentException.class, () -> BlsSecretKey.fromBytes(new byte[length]));
  }

  @Test
  void leavesTheCallersArrayAlone() {
    byte[] secret = secret();
    BlsSecretKey.fromBytes(secret).close();
    assertArrayEquals(Hex.decode(SECRET_HEX), secret);
  }

  @Test
  void toStringShowsOnlyThePublicKey() {
    try (BlsSecretKey key = BlsSecretKey.fromBytes(secret())) {
      assertFalse(key.toString().contains(SECRET_HEX.substring(0, 16)));
      assertTrue(key.toString().contains(PUBLIC_KEY.toHex()));
    }
  }

  @Test
  void exportsTheSecret() {
    try (BlsSecretKey key = BlsSecretKey.fromBytes(secret());
        SecretBytes exported = key.exportSecret()) {
      assertArrayEquals(secret(), exported.array());
    }
  }

  @Test
  void closeWipesBlstsScalarAndStopsSigning() {
    BlsSecretKey key = BlsSecretKey.fromBytes(secret());
    key.close();
    key.close(); // idempotent
    assertTrue(key.isClosed());
    assertThrows(IllegalStateException.class, () -> key.sign(new byte[32]));
    assertThrows(IllegalStateException.class, key::exportSecret);
    assertEquals(PUBLIC_KEY, key.publicKey());
  }

  @Test
  void wipeZeroesTheBlstKeyArray() {
    WipeableBlstSecretKey blstKey = new WipeableBlstSecretKey();
    blstKey.from_bendian(secret());
    assertArrayEquals(secret(), blstKey.to_bendian());
    blstKey.wipe();
    assertArrayEquals(new byte[32], blstKey.to_bendian());
  }

  @Test
  void concurrentSigningGivesIdenticalSignatures() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (BlsSecretKey key = BlsSecretKey.fromBytes(secret())) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 100; i++) {
                    if (!key.sign(Bytes32.ZERO).equals(ZERO_ROOT_SIGNATURE)) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> result : results) {
        assertTrue(result.get());
      }
    } finally {
      pool.shutdown();
    }
  }
}
