package dev.palisade.vault.store;

import dev.palisade.evm.Address;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedEvmKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Sealed secp256k1 keys, in the vault's database next to the BLS ones (table from migration V2). */
public final class SealedEvmKeyStore {
  private static final String COLUMNS =
      "address, operator_id, format_version, kek_id, wrapped_dek, key_nonce, key_ciphertext";

  private final DataSource dataSource;

  public SealedEvmKeyStore(SealedKeyStore store) {
    this.dataSource = store.dataSource();
  }

  /** Inserts a new record; false when the address is already stored (keys are never replaced). */
  public boolean insert(SealedEvmKey record) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO vault_sealed_evm_keys (" + COLUMNS
            + ", created_at) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS"
            + " (SELECT 1 FROM vault_sealed_evm_keys WHERE address = ?)")) {
      ps.setBytes(1, record.address().bytes());
      ps.setString(2, record.operator().value());
      ps.setInt(3, record.formatVersion());
      ps.setString(4, record.kekId());
      ps.setBytes(5, record.wrappedDek());
      ps.setBytes(6, record.keyNonce());
      ps.setBytes(7, record.keyCiphertext());
      ps.setLong(8, System.currentTimeMillis());
      ps.setBytes(9, record.address().bytes());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new SealedKeyStoreException("cannot store a sealed EVM key", e);
    }
  }

  public List<SealedEvmKey> list(OperatorId operator) {
    List<SealedEvmKey> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT " + COLUMNS + " FROM vault_sealed_evm_keys WHERE operator_id = ? ORDER BY address")) {
      ps.setString(1, operator.value());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new SealedEvmKey(new Address(rs.getBytes(1)), new OperatorId(rs.getString(2)), rs.getInt(3),
              rs.getString(4), rs.getBytes(5), rs.getBytes(6), rs.getBytes(7)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new SealedKeyStoreException("cannot list sealed EVM keys", e);
    }
  }

  public boolean delete(Address address) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM vault_sealed_evm_keys WHERE address = ?")) {
      ps.setBytes(1, address.bytes());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new SealedKeyStoreException("cannot delete a sealed EVM key", e);
    }
  }
}
