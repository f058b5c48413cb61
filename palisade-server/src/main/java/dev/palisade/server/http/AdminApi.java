package dev.palisade.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.auth.AccessDecision;
import dev.palisade.auth.AuditDecision;
import dev.palisade.auth.AuditEntry;
import dev.palisade.auth.AuditLog;
import dev.palisade.auth.AuditRecord;
import dev.palisade.auth.AuthConflictException;
import dev.palisade.auth.ChainVerification;
import dev.palisade.auth.CreatedIdentity;
import dev.palisade.auth.Identity;
import dev.palisade.auth.IdentityId;
import dev.palisade.auth.IdentityType;
import dev.palisade.auth.InvalidScopeException;
import dev.palisade.auth.NewIdentity;
import dev.palisade.auth.Operator;
import dev.palisade.auth.OperatorId;
import dev.palisade.auth.Scope;
import dev.palisade.auth.Scopes;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.server.access.AccessControl;
import dev.palisade.server.keys.KeyRegistry;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The admin API (scope {@code admin}): operators, identities and the audit log, the same
 * operations as {@code palisade operator|identity|audit}. Transport-free: each method takes the
 * authenticated caller and returns the JSON to send.
 *
 * <p>An administrator acts only inside its own operator: its identities, its audit rows. Another
 * operator's identity answers 404 exactly like one that does not exist, and creating anything in
 * another operator is 403. Only identities of the reserved {@link OperatorId#ROOT root} operator
 * (created with the local CLI, never through this API) see and act across operators, and create
 * operators. Every change is written to the audit log before the answer.
 */
public final class AdminApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AccessControl access;
  private final AuditLog auditLog;
  private final java.util.function.Consumer<AuditEntry> durableAudit;
  private final java.util.function.Supplier<KeyRegistry.ReloadSummary> reload;

  /**
   * @param durableAudit writes an audit row before returning, or throws (the change is then
   *     answered 503: an administrative change is never unaudited)
   */
  public AdminApi(AccessControl access, AuditLog auditLog, java.util.function.Consumer<AuditEntry> durableAudit,
      java.util.function.Supplier<KeyRegistry.ReloadSummary> reload) {
    this.access = access;
    this.auditLog = auditLog;
    this.durableAudit = durableAudit;
    this.reload = reload;
  }

  /**
   * {@code POST /reload}: syncs the node's keys with its keystore directory and the sealed keys in
   * the database. Node-wide but harmless (it changes no owner and no history), so any operator's
   * administrator may ask for it.
   */
  public ObjectNode reload(Identity caller) {
    requireAdmin(caller);
    KeyRegistry.ReloadSummary summary = reload.get();
    return JSON.createObjectNode().put("added", summary.added()).put("removed", summary.removed())
        .put("failed", summary.failed());
  }

  private void requireAdmin(Identity caller) {
    if (access.authorizer().authorize(caller, Scope.ADMIN) instanceof AccessDecision.Forbidden forbidden) {
      throw new ApiException.Forbidden(forbidden.message());
    }
  }

  private static boolean isRoot(Identity caller) {
    return caller.operator().equals(OperatorId.ROOT);
  }

  private void recordChange(Identity caller, OperatorId operator, String event, String detail) {
    durableAudit.accept(new AuditEntry(Instant.now(), caller.id().value(), operator.value(), null, event, null, null,
        AuditDecision.CHANGED, detail + " (by " + caller.id() + " of operator " + caller.operator() + ")"));
  }

  public ArrayNode listOperators(Identity caller) {
    requireAdmin(caller);
    ArrayNode operators = JSON.createArrayNode();
    for (Operator operator : access.store().listOperators()) {
      if (!isRoot(caller) && !operator.id().equals(caller.operator())) {
        continue;
      }
      operators.addObject().put("name", operator.id().value()).put("created_at", operator.createdAt().toString());
    }
    return operators;
  }

  public ObjectNode createOperator(Identity caller, byte[] body) {
    requireAdmin(caller);
    JsonNode request = JsonBodies.object(body);
    String name = JsonBodies.text(request, "name", true);
    if (!isRoot(caller)) {
      throw new ApiException.Forbidden("creating operators needs an admin identity of the root operator");
    }
    if (OperatorId.ROOT.value().equals(name)) {
      throw new ApiException.BadRequest("name", "'root' is reserved; create it with the local CLI");
    }
    try {
      Operator operator = access.store().createOperator(OperatorId.of(name));
      recordChange(caller, operator.id(), "OPERATOR_CREATE", "operator " + operator.id() + " created");
      return JSON.createObjectNode().put("name", operator.id().value());
    } catch (AuthConflictException e) {
      throw new ApiException.Conflict(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ApiException.BadRequest("name", e.getMessage());
    }
  }

  public ArrayNode listIdentities(Identity caller) {
    requireAdmin(caller);
    ArrayNode identities = JSON.createArrayNode();
    List<Identity> visible =
        isRoot(caller) ? access.store().listIdentities() : access.store().listIdentities(caller.operator());
    for (Identity identity : visible) {
      identities.add(describe(identity));
    }
    return identities;
  }

  /** Creates an identity; a token or basic secret is in the answer once and never again. */
  public ObjectNode createIdentity(Identity caller, byte[] body) {
    requireAdmin(caller);
    JsonNode request = JsonBodies.object(body);
    NewIdentity identity;
    try {
      IdentityType type = IdentityType.parse(JsonBodies.text(request, "type", true));
      List<String> cidrs = JsonBodies.strings(request, "cidrs", false);
      List<String> keys = JsonBodies.strings(request, "keys", false);
      Optional<Set<BlsPublicKey>> allowedKeys =
          keys.isEmpty() ? Optional.empty() : Optional.of(toKeys(keys));
      OperatorId operator =
          Optional.ofNullable(JsonBodies.text(request, "operator", false)).map(OperatorId::of).orElse(caller.operator());
      requireCanCreateIn(caller, operator);
      identity =
          new NewIdentity(
              IdentityId.of(JsonBodies.text(request, "name", true)),
              operator,
              AccessControl.credential(
                  type,
                  JsonBodies.text(request, "cert_fingerprint", false),
                  JsonBodies.text(request, "ca_fingerprint", false),
                  JsonBodies.text(request, "subject", false),
                  cidrs),
              Scopes.parse(JsonBodies.text(request, "scopes", true)),
              allowedKeys);
    } catch (InvalidScopeException e) {
      throw new ApiException.BadRequest("scopes", e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ApiException.BadRequest(null, e.getMessage());
    }
    try {
      CreatedIdentity created = access.store().createIdentity(identity);
      recordChange(caller, identity.operator(), "IDENTITY_CREATE", "identity " + identity.id() + " created ("
          + created.identity().type().wireName() + ", scopes " + created.identity().scopes().toWire() + ")");
      ObjectNode answer = describe(created.identity());
      created.secret().ifPresent(secret -> answer.put("secret", secret.reveal()));
      return answer;
    } catch (AuthConflictException e) {
      throw new ApiException.Conflict(e.getMessage());
    }
  }

  private static void requireCanCreateIn(Identity caller, OperatorId operator) {
    if (operator.equals(OperatorId.ROOT)) {
      throw new ApiException.Forbidden("identities of the root operator are created only with the local CLI");
    }
    if (!isRoot(caller) && !operator.equals(caller.operator())) {
      throw new ApiException.Forbidden("an admin of operator " + caller.operator() + " acts only inside it");
    }
  }

  public ObjectNode revokeIdentity(Identity caller, String name) {
    requireAdmin(caller);
    IdentityId id;
    try {
      id = IdentityId.of(name);
    } catch (IllegalArgumentException e) {
      throw new ApiException.BadRequest("name", e.getMessage());
    }
    // another operator's identity is exactly as absent as one that never existed
    Optional<Identity> target = access.store().findIdentity(id)
        .filter(identity -> isRoot(caller) || identity.operator().equals(caller.operator()));
    if (target.isEmpty() || !access.store().revokeIdentity(id)) {
      throw new ApiException.NotFound("no active identity named " + name);
    }
    recordChange(caller, target.get().operator(), "IDENTITY_REVOKE", "identity " + id + " revoked");
    return JSON.createObjectNode().put("name", name).put("status", "revoked");
  }

  public ArrayNode auditTail(Identity caller, int rows) {
    requireAdmin(caller);
    ArrayNode records = JSON.createArrayNode();
    Optional<OperatorId> only = isRoot(caller) ? Optional.empty() : Optional.of(caller.operator());
    for (AuditRecord record : auditLog.tail(Math.max(1, Math.min(rows, 10_000)), only)) {
      var entry = record.entry();
      ObjectNode row = records.addObject();
      row.put("seq", record.seq());
      row.put("time", entry.time().toString());
      row.put("decision", entry.decision().name());
      row.put("identity", entry.identity());
      row.put("operator", entry.operator());
      row.put("key", entry.key() == null ? null : entry.key().toHex());
      row.put("type", entry.signingType());
      row.put("slot", entry.slot() == null ? null : Long.toUnsignedString(entry.slot()));
      row.put("epoch", entry.epoch() == null ? null : Long.toUnsignedString(entry.epoch()));
      row.put("reason", entry.reason());
      row.put("row_hash", record.rowHash());
    }
    return records;
  }

  public ObjectNode auditVerify(Identity caller) {
    requireAdmin(caller);
    ChainVerification verification = auditLog.verify();
    ObjectNode answer = JSON.createObjectNode();
    answer.put("intact", verification.isIntact());
    answer.put("rows_checked", verification.rowsChecked());
    // the chain spans every operator: where it broke, and how, is for the root operator only
    if (isRoot(caller)) {
      verification.firstBreak().ifPresent(broken ->
          answer.putObject("first_break").put("seq", broken.seq()).put("kind", broken.kind().name())
              .put("detail", broken.detail()));
    }
    return answer;
  }

  private static ObjectNode describe(Identity identity) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", identity.id().value());
    node.put("type", identity.type().wireName());
    node.put("operator", identity.operator().value());
    node.put("scopes", identity.scopes().toWire());
    node.put("status", identity.isRevoked() ? "revoked" : "active");
    identity.allowedKeys().ifPresent(keys -> {
      ArrayNode array = node.putArray("keys");
      keys.stream().sorted().forEach(key -> array.add(key.toHex()));
    });
    return node;
  }

  private static Set<BlsPublicKey> toKeys(List<String> keys) {
    Set<BlsPublicKey> parsed = new HashSet<>();
    for (String key : keys) {
      try {
        parsed.add(BlsPublicKey.fromHex(key));
      } catch (IllegalArgumentException e) {
        throw new ApiException.BadRequest("keys", "not a BLS public key: " + e.getMessage());
      }
    }
    return parsed;
  }
}
