package dev.palisade.vault.store;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.store.Database;
import dev.palisade.store.DatabaseConfig;
import dev.palisade.store.Dialect;
import dev.palisade.store.MigrationSet;
import dev.palisade.store.Migrations;
import dev.palisade.vault.seal.OperatorId;
import dev.palisade.vault.seal.SealedKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Sealed keys in SQL (SQLite embedded, PostgreSQL shared), in the vault's own tables. Other modules
 * migrate the same database, so the vault keeps its own Flyway history table and folders. Plain
 * JDBC, portable SQL ({@code INSERT ... ON CONFLICT DO NOTHING} exists in both dialects).
 */
public final class SealedKeyStore {
  public static final String HISTORY_TABLE = "flyway_history_vault";
  /** The vault's tables, in the history table and folders of every earlier release. */
  public static final MigrationSet MIGRATIONS =
      new MigrationSet(
          "sealed key",
          HISTORY_TABLE,
          "classpath:db/vault/sqlite",
          "classpath:db/vault/postgresql",
          SealedKeyStore.class.getClassLoader());
  private static final String COLUMNS =
      "pubkey, operator_id, format_version, kek_id, wrapped_dek, key_nonce, key_ciphertext";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM vault_sealed_keys";
  private static final int BATCH = 1000;

  private final DataSource dataSource;
  private final Dialect dialect;

  /** Migrates the vault's tables, then uses {@code dataSource}, which the caller keeps owning. */
  public SealedKeyStore(DataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    migrate();
  }

  /**
   * A SQLite database of its own for {@code file} (the vault process's {@code vault.db}), opened
   * by palisade-store like every other; the id of the database is remembered in {@code
   * <file>.database-id} next to it.
   */
  public static Database openSqlite(Path file) {
    Path absolute = file.toAbsolutePath();
    return Database.open(
        DatabaseConfig.sqlite(absolute.getParent())
            .withFiles(absolute.getFileName().toString(), absolute.getFileName() + ".database-id"));
  }

  public Dialect dialect() {
    return dialect;
  }

  /** For {@link SealedEvmKeyStore}, whose table the same migrations create. */
  DataSource dataSource() {
    return dataSource;
  }

  private void migrate() {
    try {
      Migrations.run(dataSource, dialect, MIGRATIONS);
    } catch (RuntimeException e) {
      throw new SealedKeyStoreException("cannot migrate the vault's tables", e);
    }
  }

  // ---- sealed keys -------------------------------------------------------------------------

  /** Stores a record; refuses a different record for a stored public key. */
  public PutOutcome put(SealedKey record) throws SealedKeyConflictException {
    return put(record, false);
  }

  /**
   * Stores a record. Idempotent: putting the identical record again is {@code UNCHANGED}.
   *
   * @param replace whether a different record for the same public key may be overwritten
   * @throws SealedKeyConflictException if a different record exists and {@code replace} is false
   */
  public PutOutcome put(SealedKey record, boolean replace) throws SealedKeyConflictException {
    try (Connection connection = dataSource.getConnection()) {
      if (insertIfAbsent(connection, record) == 1) {
        return PutOutcome.INSERTED;
      }
      Optional<SealedKey> existing = get(connection, record.publicKey());
      if (existing.isPresent() && existing.get().equals(record)) {
        return PutOutcome.UNCHANGED;
      }
      if (!replace) {
        throw new SealedKeyConflictException(record.publicKey());
      }
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE vault_sealed_keys SET operator_id = ?, format_version = ?, kek_id = ?,"
                  + " wrapped_dek = ?, key_nonce = ?, key_ciphertext = ?, updated_at = ?"
                  + " WHERE pubkey = ?")) {
        update.setString(1, record.operator().value());
        update.setInt(2, record.formatVersion());
        update.setString(3, record.kekId());
        update.setBytes(4, record.wrappedDek());
        update.setBytes(5, record.keyNonce());
        update.setBytes(6, record.keyCiphertext());
        update.setLong(7, System.currentTimeMillis());
        update.setBytes(8, record.publicKey().toArray());
        if (update.executeUpdate() == 1) {
          return PutOutcome.REPLACED;
        }
      }
      // Deleted between our insert and update: insert again.
      return insertIfAbsent(connection, record) == 1 ? PutOutcome.INSERTED : put(record, replace);
    } catch (SQLException e) {
      throw failure("put", e);
    }
  }

  /**
   * Inserts many new records in batched transactions, skipping public keys already stored (for
   * bulk generation and import). Returns how many were inserted.
   */
  public int insertAllNew(Collection<SealedKey> records) {
    int inserted = 0;
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (PreparedStatement insert = connection.prepareStatement(insertSql())) {
        int pending = 0;
        for (SealedKey record : records) {
          bindInsert(insert, record, System.currentTimeMillis());
          insert.addBatch();
          if (++pending == BATCH) {
            inserted += sum(insert.executeBatch());
            connection.commit();
            pending = 0;
          }
        }
        if (pending > 0) {
          inserted += sum(insert.executeBatch());
        }
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
      return inserted;
    } catch (SQLException e) {
      throw failure("insert", e);
    }
  }

  public Optional<SealedKey> get(BlsPublicKey publicKey) {
    try (Connection connection = dataSource.getConnection()) {
      return get(connection, publicKey);
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  public boolean contains(BlsPublicKey publicKey) {
    return get(publicKey).isPresent();
  }

  /** The operator's records, ordered by public key. */
  public List<SealedKey> list(OperatorId operator) {
    List<SealedKey> records = new ArrayList<>();
    forEach(operator, records::add);
    return records;
  }

  /** Streams the operator's records without holding them all (large stores). */
  public void forEach(OperatorId operator, Consumer<SealedKey> consumer) {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false); // PostgreSQL honours the fetch size only in a transaction
      try (PreparedStatement select =
          connection.prepareStatement(SELECT + " WHERE operator_id = ? ORDER BY pubkey")) {
        select.setFetchSize(BATCH);
        select.setString(1, operator.value());
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            consumer.accept(read(rows));
          }
        }
        connection.commit();
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw failure("list", e);
    }
  }

  public List<BlsPublicKey> publicKeys(OperatorId operator) {
    return queryPublicKeys(
        "SELECT pubkey FROM vault_sealed_keys WHERE operator_id = ? ORDER BY pubkey",
        operator.value());
  }

  /** The operator's keys wrapped by any KEK other than {@code kekId}: what a rotation must do. */
  public List<BlsPublicKey> publicKeysNotWrappedBy(OperatorId operator, String kekId) {
    return queryPublicKeys(
        "SELECT pubkey FROM vault_sealed_keys WHERE operator_id = ? AND kek_id <> ? ORDER BY pubkey",
        operator.value(),
        kekId);
  }

  /**
   * Replaces one record's wrapped data key, only if it is still wrapped by {@code expectedKekId}
   * (compare-and-set, so a rotation and a concurrent rotation or replace cannot lose a record).
   * The key ciphertext is not touched.
   *
   * @return false if the record is gone or no longer wrapped by {@code expectedKekId}
   */
  public boolean rewrap(
      BlsPublicKey publicKey, String expectedKekId, String newKekId, byte[] newWrappedDek) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE vault_sealed_keys SET kek_id = ?, wrapped_dek = ?, updated_at = ?"
                    + " WHERE pubkey = ? AND kek_id = ?")) {
      update.setString(1, newKekId);
      update.setBytes(2, newWrappedDek);
      update.setLong(3, System.currentTimeMillis());
      update.setBytes(4, publicKey.toArray());
      update.setString(5, expectedKekId);
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("rewrap", e);
    }
  }

  /** Deletes the record. Returns false if there was none. */
  public boolean delete(BlsPublicKey publicKey) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM vault_sealed_keys WHERE pubkey = ?")) {
      delete.setBytes(1, publicKey.toArray());
      return delete.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("delete", e);
    }
  }

  public long count() {
    return queryLong("SELECT COUNT(*) FROM vault_sealed_keys");
  }

  public long count(OperatorId operator) {
    return queryLong("SELECT COUNT(*) FROM vault_sealed_keys WHERE operator_id = ?", operator.value());
  }

  // ---- KEKs and operators --------------------------------------------------------------------

  /** Records a KEK (idempotent by id; an existing record is kept). */
  public void registerKek(String kekId, String provider, String descriptor) {
    execute(
        "INSERT INTO vault_keks (kek_id, provider, descriptor, created_at) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (kek_id) DO NOTHING",
        kekId,
        provider,
        descriptor,
        System.currentTimeMillis());
  }

  public Optional<KekRecord> kek(String kekId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT kek_id, provider, descriptor, created_at FROM vault_keks WHERE kek_id = ?")) {
      select.setString(1, kekId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(
                new KekRecord(rows.getString(1), rows.getString(2), rows.getString(3), rows.getLong(4)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read KEK", e);
    }
  }

  /** Sets (or creates) the operator's current KEK, the one new keys are wrapped with. */
  public void setOperatorKek(OperatorId operator, String kekId) {
    long now = System.currentTimeMillis();
    execute(
        "INSERT INTO vault_operators (operator_id, kek_id, created_at, updated_at) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (operator_id) DO UPDATE SET kek_id = excluded.kek_id,"
            + " updated_at = excluded.updated_at",
        operator.value(),
        kekId,
        now,
        now);
  }

  public Optional<OperatorRecord> operator(OperatorId operator) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT operator_id, kek_id, created_at, updated_at FROM vault_operators"
                    + " WHERE operator_id = ?")) {
      select.setString(1, operator.value());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(
                new OperatorRecord(
                    new OperatorId(rows.getString(1)), rows.getString(2), rows.getLong(3), rows.getLong(4)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read operator", e);
    }
  }

  // ---- SQL helpers ---------------------------------------------------------------------------

  private static String insertSql() {
    return "INSERT INTO vault_sealed_keys (" + COLUMNS + ", created_at, updated_at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (pubkey) DO NOTHING";
  }

  private static int insertIfAbsent(Connection connection, SealedKey record) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(insertSql())) {
      bindInsert(insert, record, System.currentTimeMillis());
      return insert.executeUpdate();
    }
  }

  private static void bindInsert(PreparedStatement insert, SealedKey record, long now)
      throws SQLException {
    insert.setBytes(1, record.publicKey().toArray());
    insert.setString(2, record.operator().value());
    insert.setInt(3, record.formatVersion());
    insert.setString(4, record.kekId());
    insert.setBytes(5, record.wrappedDek());
    insert.setBytes(6, record.keyNonce());
    insert.setBytes(7, record.keyCiphertext());
    insert.setLong(8, now);
    insert.setLong(9, now);
  }

  private static Optional<SealedKey> get(Connection connection, BlsPublicKey publicKey)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT + " WHERE pubkey = ?")) {
      select.setBytes(1, publicKey.toArray());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  private static SealedKey read(ResultSet rows) throws SQLException {
    return new SealedKey(
        BlsPublicKey.wrap(rows.getBytes(1)),
        new OperatorId(rows.getString(2)),
        rows.getInt(3),
        rows.getString(4),
        rows.getBytes(5),
        rows.getBytes(6),
        rows.getBytes(7));
  }

  private List<BlsPublicKey> queryPublicKeys(String sql, String... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        select.setString(i + 1, parameters[i]);
      }
      List<BlsPublicKey> keys = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          keys.add(BlsPublicKey.wrap(rows.getBytes(1)));
        }
      }
      return keys;
    } catch (SQLException e) {
      throw failure("list", e);
    }
  }

  private long queryLong(String sql, String... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        select.setString(i + 1, parameters[i]);
      }
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw failure("count", e);
    }
  }

  private void execute(String sql, Object... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      statement.executeUpdate();
    } catch (SQLException e) {
      throw failure("write", e);
    }
  }

  private static int sum(int[] counts) {
    int total = 0;
    for (int count : counts) {
      // Statement.SUCCESS_NO_INFO (-2) means "done, count unknown"; SQLite reports real counts.
      total += Math.max(count, 0);
    }
    return total;
  }

  private SealedKeyStoreException failure(String operation, SQLException e) {
    return new SealedKeyStoreException(
        "sealed key store (" + dialect + ") failed to " + operation + ": " + e.getMessage(), e);
  }
}
