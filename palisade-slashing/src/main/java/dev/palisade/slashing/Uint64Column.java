package dev.palisade.slashing;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Slots and epochs are unsigned 64-bit, but SQLite INTEGER and PostgreSQL BIGINT are signed. Both
 * stores keep {@code value ^ Long.MIN_VALUE}: it maps 0 to Long.MIN_VALUE and 2^64-1 to
 * Long.MAX_VALUE, so SQL comparisons, ORDER BY and MAX on the column follow unsigned order, and
 * every uint64 fits. (NUMERIC(20) would also work on PostgreSQL but has no SQLite equivalent.)
 */
final class Uint64Column {
  private Uint64Column() {}

  static long encode(long unsigned) {
    return unsigned ^ Long.MIN_VALUE;
  }

  static long decode(long stored) {
    return stored ^ Long.MIN_VALUE;
  }

  static void set(PreparedStatement ps, int index, Long unsignedOrNull) throws SQLException {
    if (unsignedOrNull == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, encode(unsignedOrNull));
    }
  }

  static Long get(ResultSet rs, String column) throws SQLException {
    long stored = rs.getLong(column);
    return rs.wasNull() ? null : decode(stored);
  }

  /** Unsigned max, null meaning "none". */
  static Long max(Long a, Long b) {
    if (a == null) return b;
    if (b == null) return a;
    return Long.compareUnsigned(a, b) >= 0 ? a : b;
  }
}
