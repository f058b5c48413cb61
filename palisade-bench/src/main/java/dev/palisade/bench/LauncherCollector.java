package dev.palisade.bench;

import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The bench measures the node as {@code ./palisade} starts it, with ZGC and no proactive cycles (see the launcher).
 * {@code java -jar palisade-bench.jar} without a collector named would measure the JDK's default G1 instead, whose
 * pauses the node's defaults exist to avoid; so such a JVM runs the bench in a child JVM with the launcher's
 * collector options and its own. A collector named on the command line is kept, for comparisons.
 */
final class LauncherCollector {
  static final List<String> FLAGS = List.of("-XX:+UseZGC", "-XX:-ZProactive");

  private LauncherCollector() {}

  /** The child's exit code when the bench ran in a child JVM; empty when it runs here. */
  static OptionalInt runUnderItIfNoneNamed(String[] args) throws Exception {
    List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
    if (jvmOptions.stream().anyMatch(option -> option.matches("-XX:\\+Use\\w*GC"))) {
      return OptionalInt.empty();
    }
    Path jar = ownJar();
    if (jar == null) {
      return OptionalInt.empty(); // not run from the jar (tests): nothing to restart
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(FLAGS);
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    System.err.println("palisade-bench: running in a JVM with " + String.join(" ", FLAGS) + ", the collector options"
        + " ./palisade starts the node with (name a collector, e.g. -XX:+UseG1GC, to measure another)");
    Process child = new ProcessBuilder(command).inheritIO().start();
    return OptionalInt.of(child.waitFor());
  }

  private static Path ownJar() throws URISyntaxException {
    var source = LauncherCollector.class.getProtectionDomain().getCodeSource();
    if (source == null) {
      return null;
    }
    Path location = Path.of(source.getLocation().toURI());
    return location.toString().endsWith(".jar") ? location : null;
  }
}
