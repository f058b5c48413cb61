package dev.palisade.policy;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Transactions on the shared database; every SQL failure becomes {@link PolicyUnavailableException} (fail closed). */
final class Sql {
  private Sql() {}

  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  static <T> T transaction(DataSource dataSource, String what, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new PolicyUnavailableException("policy store: cannot " + what + ": " + e.getMessage(), e);
    }
  }

  static boolean isUniqueViolation(SQLException e) {
    String state = e.getSQLState();
    return "23505".equals(state) || (e.getMessage() != null && e.getMessage().contains("UNIQUE constraint"))
        || (e.getMessage() != null && e.getMessage().contains("PRIMARY KEY constraint"));
  }
}
