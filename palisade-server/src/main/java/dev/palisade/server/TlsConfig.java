package dev.palisade.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The server's TLS identity: a PKCS#12 keystore (with its password file) or a PEM certificate
 * chain and private key. Client certificates are requested, never required at the TLS layer: the
 * authenticator decides what a certificate is worth, so clients that send none can still use a
 * token, basic credentials or (weakest) their network address.
 */
public record TlsConfig(
    Optional<Path> pkcs12File,
    Optional<Path> pkcs12PasswordFile,
    Optional<Path> pemCertificateFile,
    Optional<Path> pemPrivateKeyFile) {

  public TlsConfig {
    boolean pkcs12 = pkcs12File.isPresent();
    boolean pem = pemCertificateFile.isPresent() || pemPrivateKeyFile.isPresent();
    if (pkcs12 == pem) {
      throw new IllegalArgumentException(
          "give either --tls-keystore-file (PKCS#12) or --tls-certificate-file with --tls-private-key-file (PEM)");
    }
    if (pem && (pemCertificateFile.isEmpty() || pemPrivateKeyFile.isEmpty())) {
      throw new IllegalArgumentException("PEM TLS needs both --tls-certificate-file and --tls-private-key-file");
    }
  }

  public static TlsConfig pkcs12(Path file, Path passwordFile) {
    return new TlsConfig(Optional.of(file), Optional.ofNullable(passwordFile), Optional.empty(), Optional.empty());
  }

  public static TlsConfig pem(Path certificate, Path privateKey) {
    return new TlsConfig(Optional.empty(), Optional.empty(), Optional.of(certificate), Optional.of(privateKey));
  }

  /** The keystore password, read from its file without a trailing newline. */
  String pkcs12Password() {
    if (pkcs12PasswordFile.isEmpty()) {
      return "";
    }
    try {
      String password = Files.readString(pkcs12PasswordFile.get(), StandardCharsets.UTF_8);
      return password.replaceFirst("\\r?\\n$", "");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read TLS keystore password file " + pkcs12PasswordFile.get());
    }
  }
}
