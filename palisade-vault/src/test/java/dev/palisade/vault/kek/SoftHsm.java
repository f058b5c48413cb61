package dev.palisade.vault.kek;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real SoftHSM2 token for the tests, in a private token directory. SoftHSM reads the file named
 * by SOFTHSM2_CONF once per process, when the library is first initialised, so surefire sets that
 * variable (see the pom) and this class writes the file before any provider loads the library.
 * Missing SoftHSM fails the tests on purpose: the HSM path must be tested for real. Shared with
 * other modules' tests through this module's test-jar.
 */
public final class SoftHsm {
  public static final String TOKEN_LABEL = "palisade-test";
  public static final String USER_PIN = "1234-user";
  public static final String SO_PIN = "5678-so";
  private static final List<Path> LIBRARY_CANDIDATES =
      List.of(
          Path.of("/usr/lib/softhsm/libsofthsm2.so"),
          Path.of("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
          Path.of("/usr/lib64/softhsm/libsofthsm2.so"),
          Path.of("/usr/local/lib/softhsm/libsofthsm2.so"));

  private static SoftHsm instance;

  public final Path library;
  public final long slotId;

  private SoftHsm(Path library, long slotId) {
    this.library = library;
    this.slotId = slotId;
  }

  public static synchronized SoftHsm token() throws Exception {
    if (instance == null) {
      instance = initialise();
    }
    return instance;
  }

  private static SoftHsm initialise() throws Exception {
    Path library =
        LIBRARY_CANDIDATES.stream()
            .filter(Files::isReadable)
            .findFirst()
            .orElse(null);
    if (library == null) {
      fail("SoftHSM2 is not installed (no libsofthsm2.so in " + LIBRARY_CANDIDATES
          + "): install it with `apt-get install -y softhsm2`; the PKCS#11 KEK tests need a real token");
    }
    String confVariable = System.getenv("SOFTHSM2_CONF");
    if (confVariable == null) {
      fail("SOFTHSM2_CONF is not set: run the tests through Maven (surefire sets it), or export it");
    }
    Path conf = Path.of(confVariable);
    Path tokens = conf.getParent().resolve("tokens");
    deleteRecursively(tokens);
    Files.createDirectories(tokens);
    Files.writeString(
        conf,
        "directories.tokendir = " + tokens.toAbsolutePath() + "\n"
            + "objectstore.backend = file\n"
            + "log.level = ERROR\n"
            + "slots.removable = false\n");
    String output =
        run("softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL,
            "--pin", USER_PIN, "--so-pin", SO_PIN);
    Matcher slot = Pattern.compile("reassigned to slot (\\d+)").matcher(output);
    if (!slot.find()) {
      fail("softhsm2-util did not report the token's slot: " + output);
    }
    return new SoftHsm(library, Long.parseLong(slot.group(1)));
  }

  private static String run(String... command) throws Exception {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      fail("cannot run " + command[0] + " (install softhsm2: `apt-get install -y softhsm2`): " + e);
      throw e;
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail(command[0] + " timed out");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      fail(String.join(" ", command[0], command[1]) + " failed: " + output);
    }
    return output;
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
