package dev.palisade.auth;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Everything a request offers as proof of who sent it, as the transport saw it: the TLS peer
 * certificate chain (leaf first; empty without mTLS), the raw {@code Authorization} header, and the
 * source address. {@link #toString()} never prints the header.
 */
public record PresentedCredentials(
    X509Certificate[] peerCertificates,
    Optional<String> authorization,
    Optional<InetAddress> remoteAddress) {

  public PresentedCredentials {
    peerCertificates = peerCertificates == null ? new X509Certificate[0] : peerCertificates.clone();
    authorization = authorization.filter(h -> !h.isBlank());
  }

  /**
   * Builds from what an HTTP server has at hand; any argument may be null. {@code remoteIp} must be
   * an IP literal (it is parsed, never resolved); an unparsable one counts as no address.
   */
  public static PresentedCredentials of(
      X509Certificate[] peerCertificates, String authorizationHeader, String remoteIp) {
    return new PresentedCredentials(
        peerCertificates, Optional.ofNullable(authorizationHeader), parseAddress(remoteIp));
  }

  private static Optional<InetAddress> parseAddress(String remoteIp) {
    if (remoteIp == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByAddress(IpAddresses.parse(remoteIp)));
    } catch (IllegalArgumentException | java.net.UnknownHostException e) {
      return Optional.empty();
    }
  }

  @Override
  public X509Certificate[] peerCertificates() {
    return peerCertificates.clone();
  }

  public boolean hasCertificate() {
    return peerCertificates.length > 0;
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return "PresentedCredentials[certificates="
        + peerCertificates.length
        + ", authorization="
        + (authorization.isPresent() ? "present" : "absent")
        + ", remoteAddress="
        + remoteAddress.map(InetAddress::getHostAddress).orElse("unknown")
        + "]";
  }
}
