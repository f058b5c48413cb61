package dev.palisade.evm;

import java.nio.charset.StandardCharsets;

/**
 * An EIP-191 version 0x45 ({@code personal_sign}) message: the signed digest is
 * keccak256("\x19Ethereum Signed Message:\n" + decimal length + message).
 */
public record PersonalMessage(byte[] message) {
  private static final byte[] PREFIX = "\u0019Ethereum Signed Message:\n".getBytes(StandardCharsets.US_ASCII);

  public PersonalMessage {
    message = message.clone();
  }

  public static PersonalMessage ofText(String text) {
    return new PersonalMessage(text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public byte[] message() {
    return message.clone();
  }

  public byte[] digest() {
    byte[] length = Integer.toString(message.length).getBytes(StandardCharsets.US_ASCII);
    return Keccak.hash(PREFIX, length, message);
  }
}
