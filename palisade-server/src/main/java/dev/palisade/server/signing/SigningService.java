package dev.palisade.server.signing;

import dev.palisade.crypto.BlsSignature;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.signing.InvalidRequestException;
import dev.palisade.eth2.signing.SigningRequest;
import dev.palisade.eth2.signing.SigningRequestDecoder;
import dev.palisade.vault.UnknownKeyException;
import dev.palisade.vault.Vault;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The signing path: decode → recompute the signing root → every policy → vault. This class is the
 * vault's only caller on the request path, so no message reaches the vault without passing the
 * policies (check → record → sign by construction).
 */
public final class SigningService {
  private static final String UNKNOWN_TYPE = "unknown";

  private final Network network;
  private final Vault vault;
  private final List<SigningPolicy> policies;
  private final BooleanSupplier keysLoaded;
  private final SigningListener listener;
  private final SigningRequestDecoder decoder = new SigningRequestDecoder();

  public SigningService(
      Network network,
      Vault vault,
      List<SigningPolicy> policies,
      BooleanSupplier keysLoaded,
      SigningListener listener) {
    if (policies.isEmpty()) {
      throw new IllegalArgumentException("at least one signing policy is required");
    }
    this.network = network;
    this.vault = vault;
    this.policies = List.copyOf(policies);
    this.keysLoaded = keysLoaded;
    this.listener = listener;
  }

  public Network network() {
    return network;
  }

  /**
   * Signs the Web3Signer request body with the key named by {@code identifier}.
   *
   * @throws SigningException for every reason a signature is not produced
   */
  public BlsSignature sign(String identifier, byte[] body) {
    long started = System.nanoTime();
    String type = UNKNOWN_TYPE;
    try {
      BlsPublicKey key = requireLoadedKey(identifier);
      SigningRequest request = decode(body);
      type = request.type().name();
      BlsSignature signature = approveAndSign(identifier, key, request);
      listener.signed(type, System.nanoTime() - started);
      return signature;
    } catch (SigningException e) {
      listener.refused(type, reason(e), System.nanoTime() - started);
      throw e;
    }
  }

  private BlsPublicKey requireLoadedKey(String identifier) {
    BlsPublicKey key;
    try {
      key = BlsPublicKey.fromHex(identifier);
    } catch (IllegalArgumentException e) {
      throw new SigningException.BadRequest(
          "identifier",
          "identifier must be a 48-byte BLS public key in hex (with or without 0x): "
              + e.getMessage());
    }
    if (!vault.holds(key)) {
      throw keysLoaded.getAsBoolean()
          ? new SigningException.UnknownKey(identifier)
          : new SigningException.Unavailable("keys are still loading; try again shortly");
    }
    return key;
  }

  private SigningRequest decode(byte[] body) {
    try {
      return decoder.decode(body);
    } catch (InvalidRequestException e) {
      throw new SigningException.BadRequest(e.field(), e.getMessage());
    }
  }

  private BlsSignature approveAndSign(String identifier, BlsPublicKey key, SigningRequest request) {
    Bytes32 signingRoot;
    try {
      signingRoot = request.signingRoot(network);
    } catch (InvalidRequestException e) {
      throw new SigningException.BadRequest(e.field(), e.getMessage());
    }
    request
        .claimedSigningRoot()
        .filter(claimed -> !claimed.equals(signingRoot))
        .ifPresent(
            claimed -> {
              throw new SigningException.BadRequest(
                  "signingRoot",
                  "signingRoot "
                      + claimed
                      + " does not match the signing root "
                      + signingRoot
                      + " computed from the message");
            });
    SigningContext context = new SigningContext(key, request, signingRoot);
    for (SigningPolicy policy : policies) {
      if (policy.evaluate(context) instanceof PolicyDecision.Deny deny) {
        throw new SigningException.Refused(deny.rule(), deny.message());
      }
    }
    try {
      return vault.sign(key, request, network);
    } catch (UnknownKeyException e) {
      // removed between the lookup and now (a Keymanager DELETE): same answer as an unknown key
      throw new SigningException.UnknownKey(identifier);
    }
  }

  private static String reason(SigningException e) {
    if (e instanceof SigningException.Refused refused) {
      return refused.rule();
    } else if (e instanceof SigningException.BadRequest) {
      return "bad_request";
    } else if (e instanceof SigningException.UnknownKey) {
      return "unknown_key";
    }
    return "unavailable";
  }
}
