package dev.palisade.vault.store;

import dev.palisade.store.Dialect;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;

class SqliteSealedKeyStoreTest extends SealedKeyStoreContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  @TempDir Path dir;

  @Override
  DataSource freshDatabase() {
    return TestSqlite.dataSource(dir.resolve("db-" + DATABASES.incrementAndGet() + ".sqlite"));
  }

  @Override
  Dialect dialect() {
    return Dialect.SQLITE;
  }
}
