package dev.palisade.slashing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class SqliteTransactionHookTest extends TransactionHookContractTest {
  @Override
  String newDatabase() {
    return StoreFactory.tempDir().toString();
  }

  @Override
  SlashingProtection open(String database, SlashingOptions options) {
    return SlashingProtections.sqlite(Path.of(database), options);
  }

  @Override
  Connection connect(String database) throws SQLException {
    Connection c =
        DriverManager.getConnection(
            "jdbc:sqlite:" + Path.of(database).resolve(dev.palisade.store.DatabaseConfig.SQLITE_FILE_NAME).toAbsolutePath());
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 10000");
    }
    return c;
  }

  @Override
  SQLException retryable() {
    return new SQLiteException("database is locked (test)", SQLiteErrorCode.SQLITE_BUSY);
  }

  @Override
  String name() {
    return "sqlite";
  }
}
