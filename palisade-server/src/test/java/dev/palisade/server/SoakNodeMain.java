package dev.palisade.server;

import dev.palisade.eth2.Networks;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A Palisade node in its own JVM for the soak, so that a kill is a real SIGKILL: {@code java
 * SoakNodeMain <jdbc-url> <data-path>}. Loads the test keys, prints {@code Ready:<port>} and runs
 * until stdin closes (the test JVM ended) or it is killed.
 */
public final class SoakNodeMain {
  private SoakNodeMain() {}

  public static void main(String[] args) throws IOException {
    PalisadeNode node = PalisadeNode.start(TestNodes.postgres(Networks.named("mainnet"), Path.of(args[1]), args[0], "postgres", null));
    node.addKeys(PostgresFailoverTest.testKeys());
    System.out.println("Ready:" + node.port());
    System.out.flush();
    while (System.in.read() >= 0) {
      // wait for the parent to go away
    }
    Runtime.getRuntime().halt(0);
  }
}
