package dev.palisade.vault.remote;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * The vault's wire protocol over a Unix domain socket (or a vsock bridged to one). One request at
 * a time per connection; every frame is {@code u32 length ‖ u8 opcode ‖ payload}, big-endian, the
 * length counting the opcode and payload, and every length is checked before anything is read.
 *
 * <p>Requests: {@code SIGN} (pubkey 48 ‖ the Web3Signer request JSON: the vault decodes and hashes
 * it itself, there is no way to submit a bare root), {@code SIGN_AS} (the same for one tenant),
 * {@code LIST_KEYS}, {@code HAS_KEY} (pubkey), {@code LOAD_SEALED_KEY} (a sealed record, opened
 * with the vault's own KEK), {@code REMOVE_KEY} (pubkey), {@code HEALTH}. Responses:
 * {@code OK_SIGNATURE} (96 B), {@code OK_KEYS}, {@code OK_BOOL}, {@code OK_HEALTH}, {@code REFUSED}
 * (rule, message), {@code UNKNOWN_KEY}, {@code BAD_REQUEST} (message), {@code ERROR} (message). No
 * response carries secret material: the vault has no operation that reads a secret out.
 */
public final class VaultProtocol {
  private VaultProtocol() {}

  /** Largest request frame the vault reads (a full pre-Bellatrix block fits with a wide margin). */
  public static final int MAX_REQUEST_FRAME = 4 * 1024 * 1024;
  /** Largest response frame a client reads (LIST_KEYS of 100,000 keys is 4.8 MB). */
  public static final int MAX_RESPONSE_FRAME = 64 * 1024 * 1024;

  // requests
  public static final byte SIGN = 0x01;
  public static final byte LIST_KEYS = 0x02;
  public static final byte HAS_KEY = 0x03;
  public static final byte LOAD_SEALED_KEY = 0x04;
  public static final byte REMOVE_KEY = 0x05;
  public static final byte HEALTH = 0x06;
  /** secp256k1: sign typed EVM content ({@link EvmWire}); list the EVM addresses held. */
  public static final byte SIGN_EVM = 0x07;
  public static final byte LIST_EVM_KEYS = 0x08;
  /**
   * SIGN for a caller of one tenant (operator): pubkey 48 ‖ u8 tenant length ‖ tenant (an operator id,
   * ASCII) ‖ request JSON. The vault shares hashes to the curve within that tenant only, as in process.
   */
  public static final byte SIGN_AS = 0x09;

  // responses
  public static final byte OK_SIGNATURE = (byte) 0x80;
  public static final byte OK_KEYS = (byte) 0x81;
  public static final byte OK_BOOL = (byte) 0x82;
  public static final byte OK_HEALTH = (byte) 0x83;
  public static final byte OK_EVM_SIGNATURE = (byte) 0x84;
  public static final byte OK_EVM_KEYS = (byte) 0x85;
  public static final byte REFUSED = (byte) 0x90;
  public static final byte UNKNOWN_KEY = (byte) 0x91;
  public static final byte BAD_REQUEST = (byte) 0x92;
  public static final byte ERROR = (byte) 0x93;

  public static final int SIGNATURE_BYTES = 96;

  /** A decoded frame: the opcode and its payload. */
  public record Frame(byte opcode, byte[] payload) {}

  /** The peer sent a frame that breaks the framing (oversize or empty length); the stream is lost. */
  public static final class FramingException extends IOException {
    public FramingException(String message) {
      super(message);
    }
  }

  /** Reads one frame, or returns null on a clean end of stream before its first byte. */
  public static Frame read(ReadableByteChannel channel, int maxFrame) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(4);
    if (!readFully(channel, header, true)) {
      return null;
    }
    int length = header.flip().getInt();
    if (length < 1 || length > maxFrame) {
      throw new FramingException(
          "frame length " + Integer.toUnsignedString(length) + " is outside 1.." + maxFrame);
    }
    ByteBuffer body = ByteBuffer.allocate(length);
    readFully(channel, body, false);
    byte[] bytes = body.array();
    byte[] payload = new byte[length - 1];
    System.arraycopy(bytes, 1, payload, 0, payload.length);
    return new Frame(bytes[0], payload);
  }

  private static boolean readFully(ReadableByteChannel channel, ByteBuffer buffer, boolean eofOk)
      throws IOException {
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer);
      if (n < 0) {
        if (eofOk && buffer.position() == 0) {
          return false;
        }
        throw new EOFException("truncated frame");
      }
    }
    return true;
  }

  public static void write(WritableByteChannel channel, byte opcode, byte[] payload) throws IOException {
    ByteBuffer frame = ByteBuffer.allocate(5 + payload.length);
    frame.putInt(1 + payload.length).put(opcode).put(payload).flip();
    while (frame.hasRemaining()) {
      channel.write(frame);
    }
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** pubkey 48 ‖ u16 format ‖ u8 len ‖ operator ‖ u16 len ‖ kek id ‖ u16 len ‖ wrapped DEK ‖ nonce 12 ‖ ciphertext 48. */
  public static byte[] encodeSealedKey(SealedKey record) {
    byte[] operator = utf8(record.operator().value());
    byte[] kekId = utf8(record.kekId());
    byte[] dek = record.wrappedDek();
    ByteBuffer b =
        ByteBuffer.allocate(
            48 + 2 + 1 + operator.length + 2 + kekId.length + 2 + dek.length
                + SealedKey.NONCE_BYTES + SealedKey.CIPHERTEXT_BYTES);
    b.put(record.publicKey().toArray());
    b.putShort((short) record.formatVersion());
    b.put((byte) operator.length).put(operator);
    b.putShort((short) kekId.length).put(kekId);
    b.putShort((short) dek.length).put(dek);
    b.put(record.keyNonce()).put(record.keyCiphertext());
    return b.array();
  }

  /** @throws IllegalArgumentException if the bytes are not exactly one well-formed record */
  public static SealedKey decodeSealedKey(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      BlsPublicKey publicKey = BlsPublicKey.wrap(take(b, 48));
      int format = Short.toUnsignedInt(b.getShort());
      String operator = utf8(take(b, Byte.toUnsignedInt(b.get())));
      String kekId = utf8(take(b, Short.toUnsignedInt(b.getShort())));
      byte[] dek = take(b, Short.toUnsignedInt(b.getShort()));
      byte[] nonce = take(b, SealedKey.NONCE_BYTES);
      byte[] ciphertext = take(b, SealedKey.CIPHERTEXT_BYTES);
      if (b.hasRemaining()) {
        throw new IllegalArgumentException("trailing bytes after the sealed record");
      }
      return new SealedKey(publicKey, new OperatorId(operator), format, kekId, dek, nonce, ciphertext);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated sealed record");
    }
  }

  static byte[] take(ByteBuffer b, int n) {
    if (n > b.remaining()) {
      throw new java.nio.BufferUnderflowException();
    }
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }
}
