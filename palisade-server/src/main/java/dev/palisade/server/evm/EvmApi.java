package dev.palisade.server.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.auth.AccessDecision;
import dev.palisade.auth.AuthStoreUnavailableException;
import dev.palisade.auth.Authorizer;
import dev.palisade.auth.Identity;
import dev.palisade.auth.Scope;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.signing.InvalidRequestException;
import dev.palisade.evm.Address;
import dev.palisade.evm.EvmSignature;
import dev.palisade.evm.EvmSigningRequest;
import dev.palisade.evm.EvmTransaction;
import dev.palisade.server.keys.Actor;
import dev.palisade.server.keys.EvmKeys;
import dev.palisade.server.signing.PolicyDecision;
import dev.palisade.server.http.ApiException;
import dev.palisade.vault.UnknownEvmKeyException;
import dev.palisade.vault.Vault;
import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import dev.palisade.policy.PolicyRequest;
import dev.palisade.policy.PolicySubject;
import dev.palisade.server.signing.PolicyGate;
import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.List;
import java.util.Optional;

/**
 * The EVM request path shared by the typed REST, Web3Signer eth1 and JSON-RPC surfaces: scope, then
 * operator visibility (another operator's account is 404, exactly like an unknown one), then the
 * operator's policies (palisade-policy's engine: spending rules, shared value counters recorded before
 * the signature exists, approvals), then the vault signs the typed request.
 */
public final class EvmApi {
  static final ObjectMapper JSON = new ObjectMapper();

  private final Authorizer authorizer;
  private final Vault vault;
  private final EvmKeys keys;
  private final Optional<BigInteger> chainId;
  private final Optional<Downstream> downstream;
  private final Consumer<AuditEntry> audit;
  private final PolicyGate policies;
  private final Clock clock;

  /**
   * @param audit where each signature and each refusal after authentication is recorded
   * @param policies the policy engine's gate, shared with the validator path
   */
  public EvmApi(Authorizer authorizer, Vault vault, EvmKeys keys, EvmConfig config, Consumer<AuditEntry> audit,
      PolicyGate policies, Clock clock) {
    this.policies = policies;
    this.clock = clock;
    this.authorizer = authorizer;
    this.vault = vault;
    this.keys = keys;
    this.chainId = config.chainId();
    this.downstream = config.downstreamUrl().map(Downstream::new);
    this.audit = audit;
  }

  /** What the EVM surfaces are configured with: eth_chainId's answer, and the node eth_sendTransaction uses. */
  public record EvmConfig(Optional<BigInteger> chainId, Optional<java.net.URI> downstreamUrl) {
    public static final EvmConfig NONE = new EvmConfig(Optional.empty(), Optional.empty());
  }

  /** Reads proxied to the downstream node need a caller of the EVM surfaces, not just any identity. */
  boolean canUseDownstream(Identity caller) {
    return authorizer.canListEvmKeys(caller);
  }

  Optional<Downstream> downstream() {
    return downstream;
  }

  /** The scope and visibility check of {@link #sign}, for work (a downstream lookup) done before signing. */
  void requireSignable(Identity caller, Address address, Scope scope) {
    AccessDecision decision;
    try {
      decision = authorizer.authorizeEvm(caller, scope, address.lowerHex());
    } catch (AuthStoreUnavailableException e) {
      throw new ApiException.Unavailable("auth store unavailable; refusing to sign");
    }
    if (decision instanceof AccessDecision.Forbidden forbidden) {
      throw new ApiException.Forbidden(forbidden.message());
    }
    if (decision != AccessDecision.ALLOWED) {
      throw new ApiException.UnknownKey(address.toString());
    }
  }

  Optional<BigInteger> chainId() {
    return chainId;
  }

  /** The scope each kind of typed request needs: the one place this is decided. */
  static Scope scopeFor(EvmSigningRequest request) {
    return switch (request.kind()) {
      case "tx" -> Scope.SIGN_EVM_TX;
      case "eip191" -> Scope.SIGN_EVM_EIP191;
      case "eip712" -> Scope.SIGN_EVM_EIP712;
      default -> Scope.SIGN_EVM_RAW;
    };
  }

  /** Parses a path or params address; malformed is a 400 naming {@code field}. */
  static Address address(String text, String field) {
    try {
      return Address.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ApiException.BadRequest(field, field + ": " + e.getMessage());
    }
  }

  /**
   * Signs, recording the outcome in the audit log (the address, kind and policy version; never content or
   * secrets). {@code source}: the caller's address, for source-address policies.
   */
  EvmSignature sign(Identity caller, Optional<InetAddress> source, Address address, EvmSigningRequest request) {
    String type = "EVM_" + request.kind().toUpperCase(java.util.Locale.ROOT);
    try {
      requireSignable(caller, address, scopeFor(request));
      String version = allowedBy(caller, source, address, request);
      EvmSignature signature = signInVault(address, request);
      audit.accept(new AuditEntry(Instant.now(), caller.id().value(), caller.operator().value(), null, type,
          null, null, AuditDecision.SIGNED, "signed for " + address + describe(request) + " (" + version + ")"));
      return signature;
    } catch (ApiException e) {
      audit.accept(new AuditEntry(Instant.now(), caller.id().value(), caller.operator().value(), null, type,
          null, null, AuditDecision.REFUSED, e.getClass().getSimpleName() + " for " + address + ": " + e.getMessage()));
      throw e;
    }
  }

  private static String describe(EvmSigningRequest request) {
    if (request instanceof EvmSigningRequest.Transaction t) {
      EvmTransaction tx = t.transaction();
      return " (chain " + tx.chainId() + ", type " + tx.type() + ", nonce " + tx.nonce() + ", to "
          + (tx.to() == null ? "creation" : tx.to().toString()) + ", value " + tx.value() + ")";
    }
    return "";
  }

  /**
   * The policies' decision: the version that allowed it, or a refusal thrown (412 with the rule, 412
   * approval_required with the id, 503 when the store is unavailable). Shared counters are recorded by
   * now, before any signature exists, so instances together cannot overspend.
   */
  private String allowedBy(Identity caller, Optional<InetAddress> source, Address address, EvmSigningRequest request) {
    PolicyDecision decision = policies.evaluate(new PolicyRequest(new PolicySubject.Evm(request, address),
        caller.id(), caller.operator(), source, clock.instant()));
    if (decision instanceof PolicyDecision.Deny deny) {
      throw new ApiException.Refused(deny.rule(), deny.message());
    }
    return ((PolicyDecision.Allow) decision).note();
  }

  private EvmSignature signInVault(Address address, EvmSigningRequest request) {
    try {
      return vault.signEvm(address, request);
    } catch (UnknownEvmKeyException e) {
      throw new ApiException.UnknownKey(address.toString());
    }
  }

  /** A transaction parsed from its eth_signTransaction object; {@code from}, when given, must be the key. */
  static EvmTransaction transaction(JsonNode tx, Address signer, String path) {
    try {
      return dev.palisade.evm.EvmRequestBodies.transaction(tx, signer, path);
    } catch (InvalidRequestException e) {
      throw new ApiException.BadRequest(e.field(), e.getMessage());
    }
  }

  /** The answer to a signed transaction: raw signed RLP, its hash and the signature. */
  static ObjectNode signedTransaction(EvmTransaction tx, EvmSignature signature) {
    byte[] raw = tx.signedEncoding(signature);
    ObjectNode out = JSON.createObjectNode();
    out.put("raw", Hex.encode(raw));
    out.put("hash", Hex.encode(EvmTransaction.hash(raw)));
    out.set("signature", signatureJson(signature, tx.type() == 0
        ? tx.chainId().shiftLeft(1).add(BigInteger.valueOf(35 + signature.yParity()))
        : BigInteger.valueOf(signature.yParity())));
    return out;
  }

  static ObjectNode signatureJson(EvmSignature signature, BigInteger v) {
    ObjectNode out = JSON.createObjectNode();
    out.put("r", Hex.encode(signature.r()));
    out.put("s", Hex.encode(signature.s()));
    out.put("yParity", "0x" + Integer.toHexString(signature.yParity()));
    out.put("v", "0x" + v.toString(16));
    out.put("serialized", signature.toRsvHex());
    return out;
  }

  /** Accounts of the caller's operator that this node holds (checksummed). */
  public List<Address> accounts(Identity caller) {
    if (!authorizer.canListEvmKeys(caller)) {
      throw new ApiException.Forbidden("missing scope keys:read (or any sign:evm scope)");
    }
    if (caller.allowedKeys().isPresent()) {
      return List.of();
    }
    return keys.list(caller.operator()); // held by the vault and owned by the caller's operator
  }

  EvmKeys keys() {
    return keys;
  }

  static Actor actor(Identity caller) {
    return Actor.of(caller);
  }

  static <T> T withKeyErrors(KeyWork<T> work) {
    try {
      return work.run();
    } catch (EvmKeys.EvmKeyException e) {
      throw e.conflict() ? new ApiException.Conflict(e.getMessage())
          : new ApiException.BadRequest(null, e.getMessage());
    }
  }

  @FunctionalInterface
  interface KeyWork<T> {
    T run() throws EvmKeys.EvmKeyException;
  }
}
