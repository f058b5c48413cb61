package dev.palisade.auth;

import java.sql.SQLException;

/** Classifies driver errors the same way on SQLite and PostgreSQL. */
final class SqlErrors {
  private static final int SQLITE_CONSTRAINT = 19;
  private static final int SQLITE_BUSY = 5;

  private SqlErrors() {}

  /** A unique/primary-key/check violation: SQLSTATE class 23 (PostgreSQL), SQLITE_CONSTRAINT. */
  static boolean isConstraintViolation(SQLException e) {
    String state = e.getSQLState();
    return (state != null && state.startsWith("23"))
        || (e.getClass().getName().startsWith("org.sqlite")
            && (e.getErrorCode() & 0xff) == SQLITE_CONSTRAINT);
  }

  /** Worth retrying the whole transaction: serialization failure, deadlock, or SQLite busy. */
  static boolean isRetryable(SQLException e) {
    String state = e.getSQLState();
    return "40001".equals(state)
        || "40P01".equals(state)
        || isConstraintViolation(e)
        || (e.getClass().getName().startsWith("org.sqlite")
            && (e.getErrorCode() & 0xff) == SQLITE_BUSY);
  }
}
