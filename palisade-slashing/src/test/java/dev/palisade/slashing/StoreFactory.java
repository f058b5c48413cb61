package dev.palisade.slashing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a fresh, empty store of one kind. */
interface StoreFactory {
  String name();

  SlashingProtection open(SlashingOptions options);

  default SlashingProtection open() {
    return open(SlashingOptions.defaults());
  }

  static StoreFactory sqlite() {
    return new StoreFactory() {
      @Override
      public String name() {
        return "sqlite";
      }

      @Override
      public SlashingProtection open(SlashingOptions options) {
        try {
          return SlashingProtections.sqlite(Files.createTempDirectory("slashing-sqlite"), options);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  static StoreFactory postgres() {
    return new StoreFactory() {
      @Override
      public String name() {
        return "postgresql";
      }

      @Override
      public SlashingProtection open(SlashingOptions options) {
        return SlashingProtections.postgres(SharedPostgres.newDatabase(), "postgres", "postgres", options);
      }
    };
  }

  static Path tempDir() {
    try {
      return Files.createTempDirectory("slashing");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
