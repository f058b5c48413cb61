package dev.palisade.policy;

import dev.palisade.store.Dialect;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** Fresh databases for tests: a SQLite file, or a new database on one real PostgreSQL per JVM. */
final class TestDatabases {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  private TestDatabases() {}

  static DataSource sqlite() {
    try {
      Path dir = Files.createTempDirectory("palisade-policy-test");
      SQLiteConfig config = new SQLiteConfig();
      config.setBusyTimeout(10_000);
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      SQLiteDataSource ds = new SQLiteDataSource(config);
      ds.setUrl("jdbc:sqlite:" + dir.resolve("palisade.db"));
      return ds;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static synchronized EmbeddedPostgres postgres() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      EmbeddedPostgres started = postgres;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }));
    }
    return postgres;
  }

  /** Creates an empty PostgreSQL database and returns its name. */
  static String newPostgresDatabase() {
    String name = "policy_test_" + COUNTER.incrementAndGet();
    try (Connection c = postgres().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("create database " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return name;
  }

  /** A separate connection pool, as a separate Palisade instance would have. */
  static HikariDataSource postgresPool(String database) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres().getJdbcUrl("postgres", database));
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(1);
    config.setPoolName("pool-" + database + "-" + COUNTER.incrementAndGet());
    return new HikariDataSource(config);
  }

  static DataSource fresh(Dialect dialect) {
    return dialect == Dialect.SQLITE ? sqlite() : postgresPool(newPostgresDatabase());
  }
}
