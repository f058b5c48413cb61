package dev.palisade.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reads the test vectors copied under src/test/resources/vectors. */
final class TestVectors {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEYSTORE_PASSWORD = "𝔱𝔢𝔰𝔱𝔭𝔞𝔰𝔰𝔴𝔬𝔯𝔡🔑";
  static final String KEYSTORE_SECRET =
      "0x000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
  static final String KEYSTORE_PUBKEY =
      "0x9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07";

  private TestVectors() {}

  static Path resource(String relative) {
    URL url = TestVectors.class.getResource("/vectors/" + relative);
    if (url == null) {
      throw new IllegalStateException("missing test resource vectors/" + relative);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every JSON case of one bls12-381-tests handler, sorted by name. */
  static List<Path> blsCases(String handler) {
    try (Stream<Path> files = Files.list(resource("bls/bls12-381-tests-v0.1.2/" + handler))) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String keystoreJson(String relative) {
    try {
      return Files.readString(resource("eip2335-keystores/" + relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static final String PBKDF2_VECTOR = "erc2335_pbkdf2_test_vector.keystore.json";
  static final String SCRYPT_VECTOR = "erc2335_scrypt_test_vector.keystore.json";
}
