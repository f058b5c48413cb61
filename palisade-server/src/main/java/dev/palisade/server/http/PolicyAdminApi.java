package dev.palisade.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.auth.AccessDecision;
import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.AuditLog;
import dev.palisade.auth.Identity;
import dev.palisade.auth.IdentityId;
import dev.palisade.auth.OperatorId;
import dev.palisade.auth.Scope;
import dev.palisade.auth.SigningScopes;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.policy.Approval;
import dev.palisade.policy.ApprovalException;
import dev.palisade.policy.ApproverPolicy;
import dev.palisade.policy.InvalidPolicyException;
import dev.palisade.policy.PolicyEngine;
import dev.palisade.policy.PolicyTarget;
import dev.palisade.policy.PolicyUnavailableException;
import dev.palisade.policy.PolicyVersion;
import dev.palisade.server.access.AccessControl;
import dev.palisade.server.totp.ApproverTotp;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The admin API of policies (scope {@code admin}) and approvals (scope {@code approve}), operator-scoped
 * like the rest of the admin API: another operator's policy target or approval answers 404 exactly like
 * one that does not exist; only the root operator sees across operators.
 */
public final class PolicyAdminApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AccessControl access;
  private final PolicyEngine engine;
  private final AuditLog auditLog;
  private final Clock clock;
  private final ApproverTotp totp;

  public PolicyAdminApi(AccessControl access, PolicyEngine engine, AuditLog auditLog, Clock clock, ApproverTotp totp) {
    this.access = access;
    this.engine = engine;
    this.auditLog = auditLog;
    this.clock = clock;
    this.totp = totp;
  }

  /** The approvers' second factor: enrollment, and the check each vote passes first. */
  public ApproverTotp totp() {
    return totp;
  }

  public ObjectNode setPolicy(Identity caller, String scope, String id, byte[] body) {
    PolicyTarget target = visibleTarget(caller, scope, id);
    String text = utf8(body);
    PolicyVersion version = guarded(() -> engine.policies().set(target, text, caller.id().value()));
    auditLog.append(new AuditEntry(clock.instant(), caller.id().value(), ownerOf(target, caller), null, "POLICY_SET",
        null, null, AuditDecision.CHANGED, "policy v" + version.version() + " set for " + target
            + " (by " + caller.id() + " of operator " + caller.operator() + ")"));
    return describe(version);
  }

  public ObjectNode getPolicy(Identity caller, String scope, String id) {
    PolicyTarget target = visibleTarget(caller, scope, id);
    List<PolicyVersion> history = guarded(() -> engine.policies().history(target));
    if (history.isEmpty()) {
      throw new ApiException.NotFound("no policy for " + target);
    }
    return describe(history.get(0));
  }

  public ArrayNode history(Identity caller, String scope, String id) {
    PolicyTarget target = visibleTarget(caller, scope, id);
    ArrayNode versions = JSON.createArrayNode();
    guarded(() -> engine.policies().history(target)).forEach(version -> versions.add(describe(version)));
    return versions;
  }

  public ArrayNode listApprovals(Identity caller, boolean openOnly) {
    require(caller, Scope.APPROVE);
    ArrayNode approvals = JSON.createArrayNode();
    guarded(() -> engine.approvals().list(caller.operator(), openOnly)).forEach(a -> approvals.add(describe(a)));
    return approvals;
  }

  public ObjectNode showApproval(Identity caller, String id) {
    require(caller, Scope.APPROVE);
    return describe(guarded(() -> engine.approvals().find(id))
        .filter(a -> caller.operator().equals(OperatorId.ROOT) || a.operator().equals(caller.operator().value()))
        .orElseThrow(() -> new ApiException.NotFound("no approval " + id)));
  }

  /** One vote; an approver that enrolled TOTP gives a fresh code ({@code totpCode}, null for none) or no vote is recorded. */
  public ObjectNode vote(Identity caller, String id, boolean approve, String totpCode) {
    require(caller, Scope.APPROVE);
    totp.checkVote(caller, totpCode, guarded(() -> new ApproverPolicy(engine).totpRequiredToVote(caller.operator(), id)));
    return describe(approvalStep(() -> engine.approvals().vote(caller, id, approve)));
  }

  /** A pre-approval: {@code {"key", "type", "valid_until", "approvals"[, "totp"]}}; the caller's vote is the first. */
  public ObjectNode grantAhead(Identity caller, byte[] body) {
    require(caller, Scope.APPROVE);
    JsonNode request = JsonBodies.object(body);
    BlsPublicKey key;
    Instant until;
    try {
      key = BlsPublicKey.fromHex(JsonBodies.text(request, "key", true));
      until = Instant.parse(JsonBodies.text(request, "valid_until", true));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new ApiException.BadRequest(null, "key must be a BLS public key and valid_until an ISO-8601 time");
    }
    String type = JsonBodies.text(request, "type", true);
    if (SigningScopes.requiredFor(type).isEmpty()) {
      throw new ApiException.BadRequest("type", "type must be a Web3Signer signing type such as VOLUNTARY_EXIT");
    }
    JsonNode count = request.path("approvals");
    if (!count.isMissingNode() && !count.canConvertToInt()) {
      throw new ApiException.BadRequest("approvals", "approvals must be a number");
    }
    // another operator's key is as absent as an unknown one
    if (!access.store().ownerOf(key).map(caller.operator()::equals).orElse(false)) {
      throw new ApiException.NotFound("no key " + key.toHex());
    }
    boolean required = guarded(() -> new ApproverPolicy(engine).totpRequiredToGrant(caller.operator(), key, type));
    totp.checkVote(caller, JsonBodies.text(request, "totp", false), required); // the grantor's vote is the first
    return describe(approvalStep(() -> engine.approvals().grantAhead(caller, key, type, count.asInt(2), until)));
  }

  private static Approval approvalStep(Supplier<Approval> step) {
    try {
      return guarded(step);
    } catch (ApprovalException e) {
      throw switch (e.kind()) {
        case NOT_FOUND -> new ApiException.NotFound(e.getMessage());
        case FORBIDDEN -> new ApiException.Forbidden(e.getMessage());
        case CONFLICT -> new ApiException.Conflict(e.getMessage());
      };
    }
  }

  private void require(Identity caller, Scope scope) {
    if (access.authorizer().authorize(caller, scope) instanceof AccessDecision.Forbidden forbidden) {
      throw new ApiException.Forbidden(forbidden.message());
    }
  }

  /** Needs {@code admin}; a target outside the caller's operator is as absent as one that never existed. */
  private PolicyTarget visibleTarget(Identity caller, String scope, String id) {
    require(caller, Scope.ADMIN);
    PolicyTarget target;
    try {
      target = PolicyTarget.of(scope, id);
    } catch (InvalidPolicyException e) {
      throw new ApiException.BadRequest(e.field(), e.getMessage());
    }
    if (!caller.operator().equals(OperatorId.ROOT) && !ownerOf(target, caller).equals(caller.operator().value())) {
      throw new ApiException.NotFound("no " + target.scope() + " " + target.id());
    }
    return target;
  }

  /** The operator a target belongs to ("" when it belongs to none). */
  private String ownerOf(PolicyTarget target, Identity caller) {
    return switch (target.scope()) {
      case OPERATOR -> target.id();
      case KEY -> (target.isEvmKey()
          ? new dev.palisade.auth.EvmKeyOwners(access.store()).ownerOf(target.id())
          : access.store().ownerOf(BlsPublicKey.fromHex(target.id()))).map(OperatorId::value).orElse("");
      case IDENTITY -> access.store().findIdentity(IdentityId.of(target.id()))
          .map(identity -> identity.operator().value()).orElse("");
    };
  }

  private static <T> T guarded(Supplier<T> work) {
    try {
      return work.get();
    } catch (InvalidPolicyException e) {
      throw new ApiException.BadRequest(e.field(), e.getMessage());
    } catch (PolicyUnavailableException e) {
      throw new ApiException.Unavailable("policy database is unavailable");
    }
  }

  private static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new ApiException.BadRequest(null, "the policy document must be UTF-8 text (YAML or JSON)");
    }
  }

  private static ObjectNode describe(PolicyVersion version) {
    return JSON.createObjectNode()
        .put("scope", version.target().scope().wireName())
        .put("id", version.target().id())
        .put("version", version.version())
        .put("created_at", version.createdAt().toString())
        .put("created_by", version.createdBy())
        .put("document", version.text());
  }

  private ObjectNode describe(Approval approval) {
    ObjectNode node = JSON.createObjectNode()
        .put("id", approval.id())
        .put("operator", approval.operator())
        .put("requester", approval.requester())
        .put("key", approval.key())
        .put("type", approval.signingType())
        .put("signing_root", approval.signingRoot().map(Object::toString).orElse("*"))
        .put("summary", approval.summary())
        .put("status", approval.displayStatus(clock.instant()))
        .put("required", approval.required())
        .put("approvals", approval.approvals())
        .put("policy_version", approval.policyVersion())
        .put("created_at", approval.createdAt().toString())
        .put("expires_at", approval.expiresAt().toString());
    ArrayNode votes = node.putArray("votes");
    approval.votes().forEach(vote -> votes.addObject().put("approver", vote.approver())
        .put("vote", vote.approve() ? "approve" : "deny").put("at", vote.at().toString()));
    return node;
  }
}
