package dev.palisade.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Real certificates made inside the test with the JDK's keytool: a server certificate for
 * 127.0.0.1, a self-signed client certificate, and a CA with a client certificate it issued.
 */
final class TestPki {
  static final String PASSWORD = "test-store-password";

  final Path dir;
  final Path serverP12;
  final Path serverPasswordFile;
  final Path selfSignedClientP12;
  final Path caP12;
  final Path caPem;
  final Path issuedClientP12;
  static final String ISSUED_SUBJECT = "CN=validator-client-7,O=Palisade Test";

  TestPki(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    serverP12 = dir.resolve("server.p12");
    serverPasswordFile = Files.writeString(dir.resolve("server.pass"), PASSWORD + "\n");
    selfSignedClientP12 = dir.resolve("client.p12");
    caP12 = dir.resolve("ca.p12");
    caPem = dir.resolve("ca.pem");
    issuedClientP12 = dir.resolve("issued.p12");
    keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-keystore", serverP12.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=self-signed-client", "-validity", "2",
        "-keystore", selfSignedClientP12.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=Test Client CA", "-ext", "bc:c", "-validity", "2",
        "-keystore", caP12.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caP12.toString(),
        "-storepass", PASSWORD, "-file", caPem.toString());
    keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", ISSUED_SUBJECT, "-validity", "2",
        "-keystore", issuedClientP12.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    Path request = dir.resolve("issued.csr");
    Path issued = dir.resolve("issued.pem");
    keytool("-certreq", "-alias", "client", "-keystore", issuedClientP12.toString(),
        "-storepass", PASSWORD, "-file", request.toString());
    keytool("-gencert", "-alias", "ca", "-keystore", caP12.toString(), "-storepass", PASSWORD,
        "-infile", request.toString(), "-outfile", issued.toString(), "-rfc", "-validity", "2");
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(),
        "-keystore", issuedClientP12.toString(), "-storepass", PASSWORD);
    keytool("-importcert", "-noprompt", "-alias", "client", "-file", issued.toString(),
        "-keystore", issuedClientP12.toString(), "-storepass", PASSWORD);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
    }
  }

  static KeyStore load(Path p12) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      store.load(in, PASSWORD.toCharArray());
    }
    return store;
  }

  static X509Certificate certificate(Path p12, String alias) throws Exception {
    return (X509Certificate) load(p12).getCertificate(alias);
  }

  /** A client context that trusts the test server and presents {@code clientP12} (or nothing). */
  SSLContext clientContext(Path clientP12) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", certificate(serverP12, "server"));
    TrustManagerFactory trustFactory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustFactory.init(trust);
    KeyManagerFactory keyFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    if (clientP12 != null) {
      keyFactory.init(load(clientP12), PASSWORD.toCharArray());
    } else {
      KeyStore empty = KeyStore.getInstance("PKCS12");
      empty.load(null, null);
      keyFactory.init(empty, new char[0]);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyFactory.getKeyManagers(), trustFactory.getTrustManagers(), null);
    return context;
  }
}
