package dev.palisade.server.access;

import dev.palisade.server.ServerConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Whether the signing API is reachable only from this host over plaintext: the one setup in which a
 * credential-less bootstrap identity (any local process) is what an operator expects, as with a
 * Web3Signer on its defaults. Binding a routable address, or turning TLS on, says the operator
 * means remote clients, and those must present their own identities.
 */
public final class LoopbackOnly {
  private LoopbackOnly() {}

  public static boolean of(ServerConfig server) {
    if (server.tls().isPresent()) {
      return false;
    }
    try {
      return InetAddress.getByName(server.host()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
