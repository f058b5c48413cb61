package dev.palisade.server;

import dev.palisade.auth.AuthMigrations;
import dev.palisade.slashing.SlashingMigrations;
import dev.palisade.slashing.SlashingProtections;
import dev.palisade.store.Database;
import dev.palisade.store.DatabaseConfig;
import dev.palisade.store.MigrationSet;
import dev.palisade.vault.store.SealedKeyStore;
import java.nio.file.Path;

/**
 * The one way a node or a CLI command opens Palisade's database: slashing history, identities,
 * audit log and sealed keys in one SQLite file in the data path, or one PostgreSQL database, through
 * one data source, with every module's migrations run and the database's identity checked.
 */
public final class NodeStorage {
  /** The slashing set first: on a fresh database its history table comes first, as before. */
  private static final MigrationSet[] ALL = {SlashingMigrations.SET, AuthMigrations.SET, SealedKeyStore.MIGRATIONS};
  /** Pool connections beyond the slashing writers: identity refresh, audit writer, admin and health. */
  private static final int OTHER_CONNECTIONS = 4;

  private NodeStorage() {}

  public static DatabaseConfig config(NodeConfig.SlashingConfig slashing, Path dataPath) {
    DatabaseConfig base =
        slashing.postgresUrl().isPresent()
            ? DatabaseConfig.postgres(dataPath, slashing.postgresUrl().get(), slashing.username(), slashing.password())
            : DatabaseConfig.sqlite(dataPath);
    return SlashingProtections.tune(base, slashing.options(), OTHER_CONNECTIONS)
        .withIdentity(
            slashing.acceptNewDatabase()
                ? DatabaseConfig.IdentityMode.ACCEPT_NEW
                : DatabaseConfig.IdentityMode.STRICT);
  }

  /**
   * Opens and migrates the database.
   *
   * @throws dev.palisade.store.DatabaseIdentityException if it is not the database the data path
   *     used before
   * @throws dev.palisade.store.DatabaseUnavailableException if it cannot be reached or migrated
   */
  public static Database open(NodeConfig.SlashingConfig slashing, Path dataPath) {
    return open(config(slashing, dataPath));
  }

  public static Database open(DatabaseConfig config) {
    Database database = Database.open(config);
    try {
      return database.migrate(ALL);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }
}
