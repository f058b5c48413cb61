package dev.palisade.vault.store;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;

class SqliteSealedKeyStoreTest extends SealedKeyStoreContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  @TempDir Path dir;

  @Override
  DataSource freshDatabase() {
    return SealedKeyStore.sqliteDataSource(dir.resolve("db-" + DATABASES.incrementAndGet() + ".sqlite"));
  }

  @Override
  Dialect dialect() {
    return Dialect.SQLITE;
  }
}
