package dev.palisade.vault.store;

import dev.palisade.store.Dialect;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import dev.palisade.store.Database;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class SqliteSealedKeyStoreTest extends SealedKeyStoreContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  @TempDir Path dir;

  private final List<Database> opened = new ArrayList<>();

  @Override
  DataSource freshDatabase() {
    Database database = SealedKeyStore.openSqlite(dir.resolve("db-" + DATABASES.incrementAndGet() + ".sqlite"));
    opened.add(database);
    return database.dataSource();
  }

  /** Before the temporary directory goes: an open database's checkpoint thread may still be writing its log there. */
  @AfterEach
  void closeDatabases() {
    opened.forEach(Database::close);
  }

  @Override
  Dialect dialect() {
    return Dialect.SQLITE;
  }
}
