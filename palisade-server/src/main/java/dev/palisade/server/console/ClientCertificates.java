package dev.palisade.server.console;

import io.vertx.ext.web.RoutingContext;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;

/** The TLS client certificate chain a browser presented, or null (the authenticator judges it). */
final class ClientCertificates {
  private ClientCertificates() {}

  static X509Certificate[] of(RoutingContext ctx) {
    if (!ctx.request().isSSL()) {
      return null;
    }
    try {
      return ctx.request().connection().peerCertificates().stream()
          .filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast)
          .toArray(X509Certificate[]::new);
    } catch (SSLPeerUnverifiedException e) {
      return null; // no certificate: the login form then needs a token
    }
  }
}
