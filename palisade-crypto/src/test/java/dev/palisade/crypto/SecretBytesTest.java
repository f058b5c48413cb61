package dev.palisade.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SecretBytesTest {

  @Test
  void closeZeroesTheOwnedArray() {
    byte[] owned = {1, 2, 3};
    SecretBytes secret = SecretBytes.takeOwnership(owned);
    assertEquals(3, secret.length());
    secret.close();
    assertArrayEquals(new byte[3], owned);
    assertThrows(IllegalStateException.class, secret::array);
  }

  @Test
  void copyOfLeavesTheSourceAlone() {
    byte[] source = {7, 7};
    try (SecretBytes secret = SecretBytes.copyOf(source)) {
      assertArrayEquals(source, secret.array());
    }
    assertArrayEquals(new byte[] {7, 7}, source);
  }

  @Test
  void neverPrintsItsContent() {
    try (SecretBytes secret = SecretBytes.copyOf(new byte[] {0x41, 0x42})) {
      assertFalse(secret.toString().contains("41"));
      assertFalse(secret.toString().contains("AB"));
    }
  }

  @Test
  void wipeHandlesNulls() {
    byte[] bytes = {1};
    char[] chars = {'x'};
    SecretBytes.wipe(bytes, null);
    SecretBytes.wipe(chars, null);
    assertArrayEquals(new byte[1], bytes);
    assertArrayEquals(new char[1], chars);
  }
}
