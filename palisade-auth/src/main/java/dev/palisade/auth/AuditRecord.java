package dev.palisade.auth;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A stored audit row: its place in the chain, the entry, the previous row's hash and its own.
 *
 * <p>{@code rowHash = SHA-256(canonical(seq, entry fields, prevHash))}; the canonical encoding is a
 * version byte, then each field in a fixed order as big-endian integers or length-prefixed UTF-8
 * (length -1 for null), so no two different rows encode alike.
 */
public record AuditRecord(long seq, AuditEntry entry, String prevHash, String rowHash) {
  private static final int ENCODING_VERSION = 1;

  static AuditRecord chain(long seq, AuditEntry entry, String prevHash) {
    return new AuditRecord(seq, entry, prevHash, computeHash(seq, entry, prevHash));
  }

  /** True when {@link #rowHash()} is the hash of this row's contents. */
  public boolean hashMatches() {
    return computeHash(seq, entry, prevHash).equals(rowHash);
  }

  static String computeHash(long seq, AuditEntry e, String prevHash) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512); // a row with a key and two hashes: no regrowth
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(ENCODING_VERSION);
      out.writeLong(seq);
      out.writeLong(e.time().toEpochMilli());
      text(out, e.identity());
      text(out, e.operator());
      text(out, e.key() == null ? null : e.key().toHex());
      text(out, e.signingType());
      number(out, e.slot());
      number(out, e.epoch());
      text(out, e.decision().wireName());
      text(out, e.reason());
      text(out, prevHash);
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return HexFormat.of().formatHex(Fingerprint.sha256(bytes.toByteArray()));
  }

  private static void text(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static void number(DataOutputStream out, Long n) throws IOException {
    out.writeBoolean(n != null);
    out.writeLong(n == null ? 0 : n);
  }
}
