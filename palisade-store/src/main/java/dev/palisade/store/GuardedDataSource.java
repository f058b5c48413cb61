package dev.palisade.store;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** Hands out connections only while the database is still the one this node opened. */
final class GuardedDataSource implements DataSource {
  /** What every new connection needs before use (SQLite: its busy handler); may throw. */
  @FunctionalInterface
  interface Setup {
    void apply(Connection connection) throws SQLException;
  }

  private final DataSource delegate;
  private final DatabaseGuard guard;
  private final Setup setup;

  GuardedDataSource(DataSource delegate, DatabaseGuard guard, Setup setup) {
    this.delegate = delegate;
    this.guard = guard;
    this.setup = setup;
  }

  @Override
  public Connection getConnection() throws SQLException {
    guard.ensureUsable();
    return prepared(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    guard.ensureUsable();
    return prepared(delegate.getConnection(username, password));
  }

  private Connection prepared(Connection connection) throws SQLException {
    try {
      setup.apply(connection);
      return connection;
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return type.isInstance(this) ? type.cast(this) : delegate.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || delegate.isWrapperFor(type);
  }
}
