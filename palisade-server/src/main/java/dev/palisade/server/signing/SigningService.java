package dev.palisade.server.signing;

import dev.palisade.server.http.ApiException;
import dev.palisade.auth.AccessDecision;
import dev.palisade.auth.Authorizer;
import dev.palisade.auth.Identity;
import dev.palisade.crypto.BlsSignature;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.signing.InvalidRequestException;
import dev.palisade.eth2.signing.SigningRequest;
import dev.palisade.eth2.signing.SigningRequestDecoder;
import dev.palisade.vault.UnknownKeyException;
import dev.palisade.vault.VaultRefusedException;
import dev.palisade.vault.remote.RemoteVaultException;
import dev.palisade.vault.Vault;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The signing path: decode → recompute the signing root → every policy → vault. This class is the
 * vault's only caller on the request path, so no message reaches the vault without passing the
 * policies (check → record → sign by construction).
 *
 * <p>Listeners may throw {@link ApiException.Unavailable} to veto the answer: the auditing
 * listener does so when a VOLUNTARY_EXIT or DEPOSIT (or its refusal) cannot be written durably.
 */
public final class SigningService {
  /** The refusal reason when a signature was produced but its durable audit row could not be written. */
  public static final String AUDIT_UNAVAILABLE = "audit_unavailable";
  private final Network network;
  private final Vault vault;
  private final List<SigningPolicy> policies;
  private final BooleanSupplier keysLoaded;
  private final SigningListener listener;
  private final Authorizer authorizer;
  private final SigningRequestDecoder decoder = new SigningRequestDecoder();

  public SigningService(
      Network network,
      Vault vault,
      Authorizer authorizer,
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
    this.authorizer = authorizer;
  }

  public Network network() {
    return network;
  }

  /**
   * Signs the Web3Signer request body with the key named by {@code identifier}, for an
   * authenticated caller.
   *
   * @throws ApiException for every reason a signature is not produced
   */
  public BlsSignature sign(Identity caller, String identifier, byte[] body) {
    return sign(caller, Optional.empty(), identifier, body);
  }

  /** As {@link #sign(Identity, String, byte[])}, for a caller whose request came from {@code source}. */
  public BlsSignature sign(Identity caller, Optional<InetAddress> source, String identifier, byte[] body) {
    long started = System.nanoTime();
    BlsPublicKey key = null;
    SigningRequest request = null;
    BlsSignature signature;
    List<String> notes = new ArrayList<>(); // what the policies want in the audit row, e.g. "policy v3"
    try {
      key = parseIdentifier(identifier);
      request = decode(body);
      authorize(caller, request, key, identifier);
      requireLoaded(key, identifier);
      signature = approveAndSign(identifier, key, request, body, caller, source, notes);
    } catch (ApiException e) {
      // a listener that must record this refusal durably and cannot throws Unavailable instead
      listener.completed(event(caller, key, request, reason(e), e.getMessage(), started));
      throw e;
    }
    try {
      listener.completed(event(caller, key, request, null,
          notes.isEmpty() ? "signed" : "signed (" + String.join(", ", notes) + ")", started));
    } catch (ApiException.Unavailable e) {
      // High-value types are audited before the answer: without the row, the signature is withheld.
      listener.completed(event(caller, key, request, AUDIT_UNAVAILABLE, e.getMessage(), started));
      throw e;
    }
    return signature;
  }

  private static SigningEvent event(
      Identity caller, BlsPublicKey key, SigningRequest request, String refusal, String message, long started) {
    return new SigningEvent(
        caller,
        Optional.ofNullable(key),
        Optional.ofNullable(request),
        Optional.ofNullable(refusal),
        message,
        System.nanoTime() - started);
  }

  /** Scope first, then visibility: a 403 says nothing about which keys exist. */
  private void authorize(Identity caller, SigningRequest request, BlsPublicKey key, String identifier) {
    AccessDecision decision = authorizer.authorizeSigning(caller, request.type().name(), key);
    if (decision instanceof AccessDecision.Forbidden forbidden) {
      throw new ApiException.Forbidden(forbidden.message());
    }
    if (!decision.isAllowed()) {
      throw keysLoaded.getAsBoolean()
          ? new ApiException.UnknownKey(identifier)
          : new ApiException.Unavailable("keys are still loading; try again shortly");
    }
  }

  private static BlsPublicKey parseIdentifier(String identifier) {
    try {
      return BlsPublicKey.fromHex(identifier);
    } catch (IllegalArgumentException e) {
      throw new ApiException.BadRequest(
          "identifier",
          "identifier must be a 48-byte BLS public key in hex (with or without 0x): "
              + e.getMessage());
    }
  }

  private void requireLoaded(BlsPublicKey key, String identifier) {
    if (!vault.holds(key)) {
      throw keysLoaded.getAsBoolean()
          ? new ApiException.UnknownKey(identifier)
          : new ApiException.Unavailable("keys are still loading; try again shortly");
    }
  }

  private SigningRequest decode(byte[] body) {
    try {
      return decoder.decode(body);
    } catch (InvalidRequestException e) {
      throw new ApiException.BadRequest(e.field(), e.getMessage());
    }
  }

  /** {@code notes} collects what the policies want on the signature's audit row. */
  private BlsSignature approveAndSign(String identifier, BlsPublicKey key, SigningRequest request, byte[] body,
      Identity caller, Optional<InetAddress> source, List<String> notes) {
    Bytes32 signingRoot;
    try {
      signingRoot = request.signingRoot(network);
    } catch (InvalidRequestException e) {
      throw new ApiException.BadRequest(e.field(), e.getMessage());
    }
    request
        .claimedSigningRoot()
        .filter(claimed -> !claimed.equals(signingRoot))
        .ifPresent(
            claimed -> {
              throw new ApiException.BadRequest(
                  "signingRoot",
                  "signingRoot "
                      + claimed
                      + " does not match the signing root "
                      + signingRoot
                      + " computed from the message");
            });
    SigningContext context = new SigningContext(key, request, signingRoot, caller, source);
    for (SigningPolicy policy : policies) {
      PolicyDecision decision = policy.evaluate(context);
      if (decision instanceof PolicyDecision.Deny deny) {
        throw new ApiException.Refused(deny.rule(), deny.message());
      } else if (decision instanceof PolicyDecision.Allow allow && allow.note() != null) {
        notes.add(allow.note());
      }
    }
    try {
      return vault.sign(key, body, request, network, caller.operator().value());
    } catch (UnknownKeyException e) {
      // removed between the lookup and now (a Keymanager DELETE): same answer as an unknown key
      throw new ApiException.UnknownKey(identifier);
    } catch (VaultRefusedException e) {
      // the vault's own watermarks: defence in depth behind the slashing store
      throw new ApiException.Refused("vault_" + e.rule().name().toLowerCase(java.util.Locale.ROOT), e.getMessage());
    } catch (RemoteVaultException e) {
      throw e.kind() == RemoteVaultException.Kind.BAD_REQUEST
          ? new ApiException.BadRequest(null, e.getMessage())
          : new ApiException.Unavailable("vault is unavailable: " + e.getMessage());
    }
  }

  private static String reason(ApiException e) {
    if (e instanceof ApiException.Refused refused) {
      return refused.rule();
    } else if (e instanceof ApiException.ApprovalRequired) {
      return "approval_required";
    } else if (e instanceof ApiException.BadRequest) {
      return "bad_request";
    } else if (e instanceof ApiException.UnknownKey) {
      return "unknown_key";
    } else if (e instanceof ApiException.Forbidden) {
      return "missing_scope";
    } else if (e instanceof ApiException.Unauthenticated) {
      return "unauthenticated";
    }
    return "unavailable";
  }
}
