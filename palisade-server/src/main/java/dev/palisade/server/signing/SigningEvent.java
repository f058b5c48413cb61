package dev.palisade.server.signing;

import dev.palisade.auth.Identity;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.signing.SigningRequest;
import java.util.Optional;

/**
 * One signing request's outcome.
 *
 * @param caller who asked (always known: unauthenticated requests never reach the signing service)
 * @param key the key asked for, when the identifier parsed
 * @param request the decoded message, when it decoded
 * @param refusal empty when a signature was produced; otherwise a stable reason name
 */
public record SigningEvent(
    Identity caller,
    Optional<BlsPublicKey> key,
    Optional<SigningRequest> request,
    Optional<String> refusal,
    String message,
    long elapsedNanos) {

  public String typeName() {
    return request.map(r -> r.type().name()).orElse("unknown");
  }

  public boolean signed() {
    return refusal.isEmpty();
  }
}
