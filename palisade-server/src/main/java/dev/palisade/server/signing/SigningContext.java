package dev.palisade.server.signing;

import dev.palisade.auth.Identity;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.signing.SigningRequest;
import java.net.InetAddress;
import java.util.Optional;

/**
 * What a policy sees: the key, the typed message and the signing root recomputed from it; and who
 * asks ({@code caller}, null only where no policy needs it) from where ({@code source}).
 */
public record SigningContext(
    BlsPublicKey key, SigningRequest request, Bytes32 signingRoot, Identity caller, Optional<InetAddress> source) {

  public SigningContext(BlsPublicKey key, SigningRequest request, Bytes32 signingRoot) {
    this(key, request, signingRoot, null, Optional.empty());
  }
}
