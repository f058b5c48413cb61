package dev.palisade.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.auth.AccessDecision;
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
import dev.palisade.server.signing.SigningException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The admin API (scope {@code admin}): operators, identities and the audit log, the same
 * operations as {@code palisade operator|identity|audit}. Transport-free: each method takes the
 * authenticated caller and returns the JSON to send.
 */
public final class AdminApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AccessControl access;
  private final AuditLog auditLog;

  public AdminApi(AccessControl access, AuditLog auditLog) {
    this.access = access;
    this.auditLog = auditLog;
  }

  private void requireAdmin(Identity caller) {
    if (access.authorizer().authorize(caller, Scope.ADMIN) instanceof AccessDecision.Forbidden forbidden) {
      throw new SigningException.Forbidden(forbidden.message());
    }
  }

  public ArrayNode listOperators(Identity caller) {
    requireAdmin(caller);
    ArrayNode operators = JSON.createArrayNode();
    for (Operator operator : access.store().listOperators()) {
      operators.addObject().put("name", operator.id().value()).put("created_at", operator.createdAt().toString());
    }
    return operators;
  }

  public ObjectNode createOperator(Identity caller, byte[] body) {
    requireAdmin(caller);
    JsonNode request = JsonBodies.object(body);
    String name = JsonBodies.text(request, "name", true);
    try {
      Operator operator = access.store().createOperator(OperatorId.of(name));
      return JSON.createObjectNode().put("name", operator.id().value());
    } catch (AuthConflictException e) {
      throw new SigningException.Conflict(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new SigningException.BadRequest("name", e.getMessage());
    }
  }

  public ArrayNode listIdentities(Identity caller) {
    requireAdmin(caller);
    ArrayNode identities = JSON.createArrayNode();
    for (Identity identity : access.store().listIdentities()) {
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
      identity =
          new NewIdentity(
              IdentityId.of(JsonBodies.text(request, "name", true)),
              OperatorId.of(JsonBodies.text(request, "operator", true)),
              AccessControl.credential(
                  type,
                  JsonBodies.text(request, "cert_fingerprint", false),
                  JsonBodies.text(request, "ca_fingerprint", false),
                  JsonBodies.text(request, "subject", false),
                  cidrs),
              Scopes.parse(JsonBodies.text(request, "scopes", true)),
              allowedKeys);
    } catch (InvalidScopeException e) {
      throw new SigningException.BadRequest("scopes", e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new SigningException.BadRequest(null, e.getMessage());
    }
    try {
      CreatedIdentity created = access.store().createIdentity(identity);
      ObjectNode answer = describe(created.identity());
      created.secret().ifPresent(secret -> answer.put("secret", secret.reveal()));
      return answer;
    } catch (AuthConflictException e) {
      throw new SigningException.Conflict(e.getMessage());
    }
  }

  public ObjectNode revokeIdentity(Identity caller, String name) {
    requireAdmin(caller);
    boolean revoked;
    try {
      revoked = access.store().revokeIdentity(IdentityId.of(name));
    } catch (IllegalArgumentException e) {
      throw new SigningException.BadRequest("name", e.getMessage());
    }
    if (!revoked) {
      throw new SigningException.NotFound("no active identity named " + name);
    }
    return JSON.createObjectNode().put("name", name).put("status", "revoked");
  }

  public ArrayNode auditTail(Identity caller, int rows) {
    requireAdmin(caller);
    ArrayNode records = JSON.createArrayNode();
    for (AuditRecord record : auditLog.tail(Math.max(1, Math.min(rows, 10_000)))) {
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
    verification.firstBreak().ifPresent(broken ->
        answer.putObject("first_break").put("seq", broken.seq()).put("kind", broken.kind().name())
            .put("detail", broken.detail()));
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
        throw new SigningException.BadRequest("keys", "not a BLS public key: " + e.getMessage());
      }
    }
    return parsed;
  }
}
