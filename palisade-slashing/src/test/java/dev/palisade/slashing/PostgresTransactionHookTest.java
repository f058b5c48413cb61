package dev.palisade.slashing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

class PostgresTransactionHookTest extends TransactionHookContractTest {
  @Override
  String newDatabase() {
    return SharedPostgres.newDatabase();
  }

  @Override
  SlashingProtection open(String database, SlashingOptions options) {
    return SlashingProtections.postgres(database, "postgres", "postgres", options);
  }

  @Override
  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(database, "postgres", "postgres");
  }

  @Override
  SQLException retryable() {
    return new SQLException("could not serialize access (test)", "40001");
  }

  @Override
  String name() {
    return "postgresql";
  }
}
