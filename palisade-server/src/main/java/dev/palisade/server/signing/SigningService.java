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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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
    try {
      return attempt(caller, source, identifier, body, null).join();
    } catch (CompletionException e) {
      throw rethrown(e);
    }
  }

  /**
   * As {@link #sign(Identity, Optional, String, byte[])}, for a caller on a thread that must not block (an event
   * loop): decoding, the signing root, in-memory policies and the signature run on the calling thread; a policy that
   * waits (the slashing store's commit, a policy counter) lets the thread go and the rest resumes on {@code resume}.
   * What must wait outright runs on {@code blocking}: everything with a vault in another process, and the whole
   * decision for types whose audit row is written before the answer (exits, deposits).
   */
  public CompletableFuture<BlsSignature> signAsync(Identity caller, Optional<InetAddress> source, String identifier,
      byte[] body, Executor resume, Executor blocking) {
    if (!vault.answersInProcess()) {
      return onBlocking(() -> sign(caller, source, identifier, body), blocking);
    }
    return attempt(caller, source, identifier, body, new Threads(resume, blocking));
  }

  /** Where an asynchronous attempt resumes after a wait, and where it does what must block. */
  private record Threads(Executor resume, Executor blocking) {}

  /** {@code threads} null: every step blocks the calling thread, and the returned future is complete. */
  private CompletableFuture<BlsSignature> attempt(
      Identity caller, Optional<InetAddress> source, String identifier, byte[] body, Threads threads) {
    Attempt attempt = new Attempt(caller, System.nanoTime());
    CompletableFuture<BlsSignature> signed;
    try {
      attempt.key = parseIdentifier(identifier);
      attempt.request = decode(body);
      if (threads != null && listener.waitsToRecord(attempt.request.type().name())) {
        // its audit row, signed or refused, is written before the answer: all of it on a thread that may wait
        return onBlocking(() -> attempt(caller, source, identifier, body, null).join(), threads.blocking());
      }
      authorize(caller, attempt.request, attempt.key, identifier);
      requireLoaded(attempt.key, identifier);
      SigningContext context = context(attempt.key, attempt.request, caller, source);
      signed = decideAndSign(identifier, context, body, attempt, threads);
    } catch (ApiException e) {
      signed = CompletableFuture.failedFuture(e);
    }
    return signed.handle(attempt::finish);
  }

  private CompletableFuture<BlsSignature> decideAndSign(
      String identifier, SigningContext context, byte[] body, Attempt attempt, Threads threads) {
    return decide(context, attempt.notes, 0, threads).thenApply(allowed -> signWithVault(identifier, context, body));
  }

  private static <T> CompletableFuture<T> onBlocking(java.util.function.Supplier<T> work, Executor blocking) {
    try {
      return CompletableFuture.supplyAsync(work, blocking);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new ApiException.Unavailable(ApiException.Unavailable.OVERLOADED));
    }
  }

  /** One request's state for its audit event. */
  private final class Attempt {
    final Identity caller;
    final long started;
    final List<String> notes = new ArrayList<>(); // what the policies want in the audit row, e.g. "policy v3"
    BlsPublicKey key;
    SigningRequest request;

    Attempt(Identity caller, long started) {
      this.caller = caller;
      this.started = started;
    }

    BlsSignature finish(BlsSignature signature, Throwable failure) {
      if (failure != null) {
        RuntimeException cause = rethrown(failure);
        if (cause instanceof ApiException e) {
          // a listener that must record this refusal durably and cannot throws Unavailable instead
          listener.completed(event(caller, key, request, reason(e), e.getMessage(), started));
        }
        throw cause;
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
  }

  /** The cause a stage failed with, as thrown by the step that failed. */
  private static RuntimeException rethrown(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return (RuntimeException) cause;
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

  private SigningContext context(BlsPublicKey key, SigningRequest request, Identity caller, Optional<InetAddress> source) {
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
    return new SigningContext(key, request, signingRoot, caller, source);
  }

  /**
   * Every policy from {@code from} on, in order; {@code notes} collects what they want on the signature's audit
   * row. A policy's pending answer resumes the chain on {@code threads.resume()} (null: each policy blocks instead).
   */
  private CompletableFuture<Void> decide(SigningContext context, List<String> notes, int from, Threads threads) {
    for (int i = from; i < policies.size(); i++) {
      SigningPolicy policy = policies.get(i);
      if (threads == null) {
        apply(policy.evaluate(context), notes);
        continue;
      }
      CompletableFuture<PolicyDecision> pending = policy.evaluateAsync(context, threads.blocking());
      if (!pending.isDone()) {
        int next = i + 1;
        // handleAsync, not thenAcceptAsync: a failed check must resume on the same thread as an answered one
        return pending.<Void>handleAsync((decision, failure) -> {
          if (failure != null) {
            throw rethrown(failure);
          }
          apply(decision, notes);
          return null;
        }, threads.resume()).thenCompose(applied -> decide(context, notes, next, threads));
      }
      try {
        apply(pending.join(), notes);
      } catch (CompletionException e) {
        throw rethrown(e);
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  private static void apply(PolicyDecision decision, List<String> notes) {
    if (decision instanceof PolicyDecision.Deny deny) {
      throw new ApiException.Refused(deny.rule(), deny.message());
    } else if (decision instanceof PolicyDecision.Allow allow && allow.note() != null) {
      notes.add(allow.note());
    }
  }

  private BlsSignature signWithVault(String identifier, SigningContext context, byte[] body) {
    try {
      return vault.sign(context.key(), body, context.request(), network, context.caller().operator().value());
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
