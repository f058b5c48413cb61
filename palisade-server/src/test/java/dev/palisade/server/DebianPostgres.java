package dev.palisade.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real PostgreSQL servers from Debian's {@code postgresql} package (initdb, pg_ctl,
 * pg_basebackup) in a temp directory, on loopback TCP only. PostgreSQL refuses to run as root, so
 * as root every command runs as the package's {@code postgres} user, which then owns the files.
 */
final class DebianPostgres implements AutoCloseable {
  private final Path bin;
  private final Path base;
  private final boolean asPostgresUser;
  private final List<Server> servers = new ArrayList<>();
  /** A test JVM stopped mid-test (Ctrl-C, surefire timeout) must not leave servers running. */
  private final Thread shutdownHook = new Thread(this::closeQuietly, "debian-postgres-stop");

  private DebianPostgres(Path bin, Path base, boolean asPostgresUser) {
    this.bin = bin;
    this.base = base;
    this.asPostgresUser = asPostgresUser;
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** The newest /usr/lib/postgresql/N/bin with the tools we need, if installed. */
  static Optional<Path> binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Stream.of("initdb", "pg_ctl", "postgres", "pg_basebackup").allMatch(t -> Files.isExecutable(b.resolve(t))))
          .max(Comparator.comparingInt(b -> versionOf(b.getParent())));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int versionOf(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString().replaceAll("\\..*", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static DebianPostgres create(Path bin) throws IOException, InterruptedException {
    boolean root = "root".equals(System.getProperty("user.name"));
    Path base = Files.createTempDirectory("palisade-pg-");
    if (root) {
      UserPrincipalLookupService users = base.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(base, users.lookupPrincipalByName("postgres"));
    }
    return new DebianPostgres(bin, base, root);
  }

  /** A fresh cluster, configured with {@code extraConf} lines, not started. */
  Server initPrimary(String name, String... extraConf) throws IOException, InterruptedException {
    Server server = new Server(base.resolve(name), freePort());
    run("initdb", "-D", server.dataDir.toString(), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8");
    server.appendConf(common(server.port));
    server.appendConf(extraConf);
    servers.add(server);
    return server;
  }

  /** A streaming standby of {@code primary} (pg_basebackup -R), not started. */
  Server standbyOf(Server primary, String name, String... extraConf) throws IOException, InterruptedException {
    Server server = new Server(base.resolve(name), freePort());
    run("pg_basebackup", "-h", "127.0.0.1", "-p", Integer.toString(primary.port), "-U", "postgres",
        "-D", server.dataDir.toString(), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync");
    // appended lines win over the copied primary settings
    server.appendConf(common(server.port));
    server.appendConf("cluster_name = '" + name + "'");
    server.appendConf(extraConf);
    servers.add(server);
    return server;
  }

  private static String[] common(int port) {
    return new String[] {
      "port = " + port,
      "listen_addresses = '127.0.0.1'",
      "unix_socket_directories = ''", // no /var/run/postgresql needed
      "wal_level = replica",
      "max_wal_senders = 8",
      "max_connections = 200",
      "shared_buffers = 32MB",
      "fsync = on",
      "logging_collector = off"
    };
  }

  final class Server {
    final Path dataDir;
    final int port;
    private boolean running;

    Server(Path dataDir, int port) {
      this.dataDir = dataDir;
      this.port = port;
    }

    String jdbcHost() {
      return "127.0.0.1:" + port;
    }

    void appendConf(String... lines) throws IOException, InterruptedException {
      if (lines.length == 0) {
        return;
      }
      // written by root, so hand it back to the owner of the data directory afterwards
      Path conf = dataDir.resolve("postgresql.conf");
      Files.writeString(conf, String.join("\n", lines) + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
      if (asPostgresUser) {
        Files.setOwner(conf, Files.getOwner(dataDir));
      }
    }

    void start() throws IOException, InterruptedException {
      run("pg_ctl", "-D", dataDir.toString(), "-l", base.resolve(dataDir.getFileName() + ".log").toString(),
          "-w", "-t", "60", "start");
      running = true;
    }

    /** Like a crash: no shutdown checkpoint, backends killed; the next start runs recovery. */
    void stopImmediately() throws IOException, InterruptedException {
      run("pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "-w", "stop");
      running = false;
    }

    void stopFast() throws IOException, InterruptedException {
      run("pg_ctl", "-D", dataDir.toString(), "-m", "fast", "-w", "stop");
      running = false;
    }

    /** Returns once the standby accepts writes. */
    void promote() throws IOException, InterruptedException {
      run("pg_ctl", "-D", dataDir.toString(), "-w", "-t", "60", "promote");
    }

    String log() throws IOException {
      Path log = base.resolve(dataDir.getFileName() + ".log");
      return Files.exists(log) ? Files.readString(log) : "";
    }
  }

  private String run(String tool, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (asPostgresUser) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(tool).toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(base.toFile()).redirectErrorStream(true).start();
    // pg_ctl start leaves the server holding no pipe of ours (-l), so reading to EOF ends
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(tool + " failed: " + output);
    }
    return output;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (IOException | RuntimeException e) {
      // exiting anyway
    }
  }

  /** Stops every server still running (immediately) and deletes the files. */
  @Override
  public synchronized void close() throws IOException {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down: this is the hook
    }
    for (Server server : servers) {
      if (server.running) {
        try {
          server.stopImmediately();
        } catch (IOException | InterruptedException e) {
          // the server may already be down; the files go anyway
        }
      }
    }
    if (!Files.exists(base)) {
      return; // closed before
    }
    try (Stream<Path> files = Files.walk(base)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
