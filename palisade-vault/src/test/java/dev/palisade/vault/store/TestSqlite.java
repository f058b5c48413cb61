package dev.palisade.vault.store;

import dev.palisade.store.Database;
import java.nio.file.Path;
import javax.sql.DataSource;

/** A SQLite database for tests, opened like production's; left open for the test JVM. */
public final class TestSqlite {
  private TestSqlite() {}

  public static DataSource dataSource(Path file) {
    Database database = SealedKeyStore.openSqlite(file);
    return database.dataSource();
  }
}
