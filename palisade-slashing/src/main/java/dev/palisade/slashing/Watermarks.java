package dev.palisade.slashing;

import dev.palisade.eth2.BlsPublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Reads the per-key watermark rows of many keys in one query, for the console's keys page. Read-only
 * and outside the check-and-record path (which locks and updates the same rows), so a page view never
 * takes the writer. At most {@link #MAX_KEYS} keys per call: callers page through larger key sets.
 */
public final class Watermarks {
  public static final int MAX_KEYS = 500;

  private final DataSource dataSource;

  public Watermarks(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The keys the store knows; a key it has never registered is absent from the map. */
  public Map<BlsPublicKey, KeyWatermark> of(Collection<BlsPublicKey> keys) {
    if (keys.size() > MAX_KEYS) {
      throw new IllegalArgumentException("at most " + MAX_KEYS + " keys per watermark query");
    }
    Map<BlsPublicKey, KeyWatermark> found = new HashMap<>();
    if (keys.isEmpty()) {
      return found;
    }
    List<BlsPublicKey> asked = List.copyOf(keys);
    String marks = String.join(", ", java.util.Collections.nCopies(asked.size(), "?"));
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT public_key, enabled, block_slot, att_source, att_target"
            + " FROM validators WHERE public_key IN (" + marks + ")")) {
      for (int i = 0; i < asked.size(); i++) {
        ps.setBytes(i + 1, asked.get(i).toArray());
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          BlsPublicKey key = BlsPublicKey.wrap(rs.getBytes("public_key"));
          found.put(key, new KeyWatermark(key, rs.getBoolean("enabled"), Uint64Column.get(rs, "block_slot"),
              Uint64Column.get(rs, "att_source"), Uint64Column.get(rs, "att_target")));
        }
      }
    } catch (SQLException e) {
      throw new SlashingStoreUnavailableException("cannot read watermarks: " + e.getMessage(), e);
    }
    return found;
  }
}
