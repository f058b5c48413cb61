package dev.palisade.eth2.ssz;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import java.math.BigInteger;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.function.Function;

/** SSZ hash_tree_root building blocks (consensus-specs ssz/simple-serialize.md), with JDK SHA-256. */
public final class Ssz {
  private static final int CHUNK = 32;
  private static final int MAX_DEPTH = 64;

  /** ZERO_HASHES[d] is the root of a depth-d tree of zero chunks. */
  private static final byte[][] ZERO_HASHES = new byte[MAX_DEPTH + 1][];

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("the JDK has no SHA-256", e);
            }
          });

  static {
    ZERO_HASHES[0] = new byte[CHUNK];
    for (int d = 1; d <= MAX_DEPTH; d++) {
      ZERO_HASHES[d] = hashPair(ZERO_HASHES[d - 1], 0, ZERO_HASHES[d - 1], 0);
    }
  }

  private Ssz() {}

  public static Bytes32 sha256(byte[] data) {
    MessageDigest digest = SHA256.get();
    digest.reset();
    return Bytes32.wrap(digest.digest(data));
  }

  /** hash(a ‖ b) of two 32-byte roots. */
  public static Bytes32 hash(Bytes32 left, Bytes32 right) {
    byte[] pair = new byte[2 * CHUNK];
    left.copyTo(pair, 0);
    right.copyTo(pair, CHUNK);
    return sha256(pair);
  }

  public static Bytes32 uint64(long value) {
    byte[] chunk = new byte[CHUNK];
    for (int i = 0; i < 8; i++) {
      chunk[i] = (byte) (value >>> (8 * i));
    }
    return Bytes32.wrap(chunk);
  }

  /** uint256 is little-endian in its single chunk. */
  public static Bytes32 uint256(BigInteger value) {
    if (value.signum() < 0 || value.bitLength() > 256) {
      throw new SszException("a uint256 must be in [0, 2^256)");
    }
    byte[] big = value.toByteArray();
    byte[] chunk = new byte[CHUNK];
    for (int i = 0; i < big.length && i < CHUNK; i++) {
      chunk[i] = big[big.length - 1 - i];
    }
    return Bytes32.wrap(chunk);
  }

  /** Root of a fixed-size byte vector (ByteVector[N]); the caller has checked N. */
  public static Bytes32 byteVector(Bytes value) {
    return merkleize(pack(value.toArray()), chunkCount(value.length()));
  }

  /** Root of a ByteList[maxLength]. */
  public static Bytes32 byteList(Bytes value, long maxLength, String what) {
    checkLimit(value.length(), maxLength, what);
    return mixInLength(merkleize(pack(value.toArray()), chunkCount(maxLength)), value.length());
  }

  /** Root of a Bitvector[bits] given as its bytes; unused high bits of the last byte must be 0. */
  public static Bytes32 bitvector(Bytes value, long bits, String what) {
    long expectedBytes = (bits + 7) / 8;
    if (value.length() != expectedBytes) {
      throw new SszException(
          what + " must be a bitvector of " + bits + " bits (" + expectedBytes + " bytes) but has " + value.length() + " bytes");
    }
    int spare = (int) (expectedBytes * 8 - bits);
    if (spare > 0 && (value.get(value.length() - 1) & 0xff) >>> (8 - spare) != 0) {
      throw new SszException(what + " sets bits beyond its length " + bits);
    }
    return merkleize(pack(value.toArray()), chunkCount(expectedBytes));
  }

  /** Number of bits in a serialized bitlist (whose last set bit is the length delimiter). */
  public static long bitlistLength(Bytes serialized, String what) {
    if (serialized.length() == 0 || serialized.get(serialized.length() - 1) == 0) {
      throw new SszException(what + " must be a bitlist whose last byte holds the length bit");
    }
    int last = serialized.get(serialized.length() - 1) & 0xff;
    return (serialized.length() - 1L) * 8 + (31 - Integer.numberOfLeadingZeros(last));
  }

  /** Root of a Bitlist[maxBits] given in its SSZ serialization (with the delimiter bit). */
  public static Bytes32 bitlist(Bytes serialized, long maxBits, String what) {
    long bits = bitlistLength(serialized, what);
    checkLimit(bits, maxBits, what);
    byte[] data = serialized.toArray();
    int lastIndex = data.length - 1;
    data[lastIndex] &= (byte) ~(1 << (bits % 8)); // drop the delimiter bit
    int dataBytes = (int) ((bits + 7) / 8);
    byte[] packed = new byte[dataBytes];
    System.arraycopy(data, 0, packed, 0, dataBytes);
    return mixInLength(merkleize(pack(packed), chunkCount((maxBits + 7) / 8)), bits);
  }

  /** Root of a List[uint64, limit]: values packed four to a chunk. */
  public static Bytes32 uint64List(List<Long> values, long limit, String what) {
    checkLimit(values.size(), limit, what);
    byte[] bytes = new byte[values.size() * 8];
    for (int i = 0; i < values.size(); i++) {
      long v = values.get(i);
      for (int b = 0; b < 8; b++) {
        bytes[i * 8 + b] = (byte) (v >>> (8 * b));
      }
    }
    return mixInLength(merkleize(pack(bytes), chunkCount(limit * 8)), values.size());
  }

  /** Root of a List[T, limit] of composite (or 32-byte) elements. */
  public static <T> Bytes32 list(List<T> values, long limit, Function<T, Bytes32> root, String what) {
    checkLimit(values.size(), limit, what);
    return mixInLength(merkleize(concat(values, root), limit), values.size());
  }

  /** Root of a Vector[T, length] of composite (or 32-byte) elements; the caller has checked the length. */
  public static <T> Bytes32 vector(List<T> values, Function<T, Bytes32> root) {
    return merkleize(concat(values, root), values.size());
  }

  /** Root of a container: the merkle root of its field roots in declaration order. */
  public static Bytes32 container(Bytes32... fieldRoots) {
    byte[] chunks = new byte[fieldRoots.length * CHUNK];
    for (int i = 0; i < fieldRoots.length; i++) {
      fieldRoots[i].copyTo(chunks, i * CHUNK);
    }
    return merkleize(chunks, fieldRoots.length);
  }

  public static Bytes32 mixInLength(Bytes32 root, long length) {
    return hash(root, uint64(length));
  }

  /**
   * merkleize(chunks, limit): pads the chunk count to the next power of two of {@code limitChunks}
   * with zero chunks, using precomputed zero-subtree roots instead of hashing padding.
   */
  public static Bytes32 merkleize(byte[] chunks, long limitChunks) {
    long count = chunks.length / CHUNK;
    if (count > limitChunks) {
      throw new SszException("too many chunks: " + count + " > " + limitChunks);
    }
    int depth = ceilLog2(Math.max(limitChunks, 1));
    if (count == 0) {
      return Bytes32.wrap(ZERO_HASHES[depth]);
    }
    // One buffer for every layer above the chunks: parent p goes to [32p, 32p+32), which its own children
    // ([64p, 64p+64), read before the digest is written) and every later parent's lie at or after.
    byte[] layer = chunks;
    byte[] work = null;
    int width = (int) count;
    for (int d = 0; d < depth; d++) {
      int parents = (width + 1) / 2;
      if (work == null) {
        work = new byte[parents * CHUNK];
      }
      for (int p = 0; p < parents; p++) {
        int left = 2 * p * CHUNK;
        if (2 * p + 1 < width) {
          hashPairInto(layer, left, layer, left + CHUNK, work, p * CHUNK);
        } else {
          hashPairInto(layer, left, ZERO_HASHES[d], 0, work, p * CHUNK);
        }
      }
      layer = work;
      width = parents;
    }
    byte[] root = new byte[CHUNK];
    System.arraycopy(layer, 0, root, 0, CHUNK);
    return Bytes32.wrap(root);
  }

  private static byte[] hashPair(byte[] a, int aOffset, byte[] b, int bOffset) {
    byte[] out = new byte[CHUNK];
    hashPairInto(a, aOffset, b, bOffset, out, 0);
    return out;
  }

  /** SHA-256(a[aOffset..+32] ‖ b[bOffset..+32]) written to out[outOffset..+32]. */
  private static void hashPairInto(byte[] a, int aOffset, byte[] b, int bOffset, byte[] out, int outOffset) {
    MessageDigest digest = SHA256.get();
    digest.reset();
    digest.update(a, aOffset, CHUNK);
    digest.update(b, bOffset, CHUNK);
    try {
      digest.digest(out, outOffset, CHUNK);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 did not fit its 32 bytes", e);
    }
  }

  private static <T> byte[] concat(List<T> values, Function<T, Bytes32> root) {
    byte[] chunks = new byte[values.size() * CHUNK];
    for (int i = 0; i < values.size(); i++) {
      root.apply(values.get(i)).copyTo(chunks, i * CHUNK);
    }
    return chunks;
  }

  /** Right-pads bytes with zeros to whole chunks. */
  private static byte[] pack(byte[] bytes) {
    int chunks = (bytes.length + CHUNK - 1) / CHUNK;
    if (chunks * CHUNK == bytes.length) {
      return bytes;
    }
    byte[] padded = new byte[chunks * CHUNK];
    System.arraycopy(bytes, 0, padded, 0, bytes.length);
    return padded;
  }

  private static long chunkCount(long bytes) {
    return (bytes + CHUNK - 1) / CHUNK;
  }

  private static int ceilLog2(long n) {
    return n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
  }

  private static void checkLimit(long size, long limit, String what) {
    if (size > limit) {
      throw new SszException(what + " has " + size + " elements, over its limit of " + limit);
    }
  }
}
