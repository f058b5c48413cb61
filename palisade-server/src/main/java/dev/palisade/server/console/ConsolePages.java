package dev.palisade.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.Identity;
import dev.palisade.server.HealthCheck;
import dev.palisade.server.PalisadeServer;
import dev.palisade.server.http.ErrorResponses;
import dev.palisade.server.http.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Builds each page from the same transport-free APIs the HTTP API serves ({@code AdminApi},
 * {@code KeymanagerApi}, {@code PolicyAdminApi}), called as the session's identity: they check the
 * scopes and keep to its operator, so the console cannot show what the API would refuse.
 */
final class ConsolePages {
  /** The most audit rows one page reads (the admin API's own cap). */
  static final int AUDIT_ROWS = 10_000;

  private final PalisadeServer.Services services;
  private final KeyRows keyRows;
  private final Clock clock;

  ConsolePages(PalisadeServer.Services services, Clock clock) {
    this.services = services;
    this.keyRows = new KeyRows(services, clock);
    this.clock = clock;
  }

  /** Either the section's value or the message of the refusal (403, 404, 503) that stands in for it. */
  private record Section<T>(T value, String denied) {
    static <T> Section<T> of(Identity caller, Function<Identity, T> read, T empty) {
      try {
        return new Section<>(read.apply(caller), null);
      } catch (ApiException e) { // 403 scope, 404 another operator's target, 503 a store away
        return new Section<>(empty, ErrorResponses.publicMessage(e));
      }
    }
  }

  Views.Overview overview(Identity caller, Views.Frame frame) {
    Section<List<JsonNode>> keys = Section.of(caller, this::keyNodes, List.of());
    int readOnly = (int) keys.value().stream().filter(key -> key.path("readonly").asBoolean()).count();
    Section<List<Views.AuditRow>> audit = Section.of(caller, c -> auditRows(c, AUDIT_ROWS), List.of());
    Instant hourAgo = clock.instant().minus(Duration.ofHours(1));
    Map<String, int[]> byType = new TreeMap<>();
    for (Views.AuditRow row : audit.value()) {
      // changes (identity created, key imported) carry their event as type: they are not signing requests
      if (row.type() != null && !row.decision().equals("CHANGED") && Instant.parse(row.time()).isAfter(hourAgo)) {
        byType.computeIfAbsent(row.type(), t -> new int[2])[row.decision().equals("SIGNED") ? 0 : 1]++;
      }
    }
    List<Views.TypeCounts> lastHour = byType.entrySet().stream()
        .map(e -> new Views.TypeCounts(e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
    Section<Integer> pending = Section.of(caller, c -> services.policyAdmin().listApprovals(c, true).size(), 0);
    return new Views.Overview(frame, keys.denied(), keys.value().size(), readOnly, keys.value().size() - readOnly,
        audit.denied(), lastHour, audit.value().size() >= AUDIT_ROWS
            ? "Counted over the latest " + AUDIT_ROWS + " audit rows, which span less than the hour;"
                + " the metrics port has full counts." : null,
        LatencyChart.svg(services.metrics().signingLatencies()), health(),
        pending.denied(), pending.value());
  }

  Views.Keys keys(Identity caller, Views.Frame frame, int page) {
    Section<List<Views.AuditRow>> audit = Section.of(caller, c -> auditRows(c, AUDIT_ROWS), List.of());
    return keyRows.page(caller, frame, page, audit.value(), audit.denied());
  }

  Views.Refusals refusals(Identity caller, Views.Frame frame) {
    Section<List<Views.AuditRow>> audit = Section.of(caller, c -> auditRows(c, AUDIT_ROWS), List.of());
    List<Views.AuditRow> refused = audit.value().stream()
        .filter(row -> row.decision().equals("REFUSED")).limit(200).toList();
    return new Views.Refusals(frame, audit.denied(), refused);
  }

  Views.Audit audit(Identity caller, Views.Frame frame) {
    Section<List<Views.AuditRow>> audit = Section.of(caller, c -> auditRows(c, 200), List.of());
    Section<JsonNode> verified = Section.of(caller, services.admin()::auditVerify, null);
    boolean intact = verified.value() != null && verified.value().path("intact").asBoolean();
    long checked = verified.value() == null ? 0 : verified.value().path("rows_checked").asLong();
    return new Views.Audit(frame, audit.denied(), audit.value(), intact, checked);
  }

  Views.Identities identities(Identity caller, Views.Frame frame, String created, String secret, String message) {
    Section<List<Views.IdentityRow>> listed = Section.of(caller, c -> {
      List<Views.IdentityRow> rows = new ArrayList<>();
      for (JsonNode node : services.admin().listIdentities(c)) {
        List<String> keys = new ArrayList<>();
        node.path("keys").forEach(key -> keys.add(key.asText()));
        rows.add(new Views.IdentityRow(node.path("name").asText(), node.path("type").asText(),
            node.path("scopes").asText(), node.path("status").asText(), keys));
      }
      return rows;
    }, List.of());
    return new Views.Identities(frame, listed.denied(), listed.value(), created, secret, message);
  }

  Views.Approvals approvals(Identity caller, Views.Frame frame, String message) {
    Section<List<Views.Approval>> listed = Section.of(caller, c -> {
      List<Views.Approval> rows = new ArrayList<>();
      for (JsonNode node : services.policyAdmin().listApprovals(c, true)) {
        rows.add(new Views.Approval(node.path("id").asText(), node.path("type").asText(), node.path("key").asText(),
            node.path("summary").asText(""), node.path("requester").asText(""), node.path("status").asText(""),
            node.path("approvals").asLong(), node.path("required").asLong(), node.path("expires_at").asText("")));
      }
      return rows;
    }, List.of());
    boolean totp = Section.of(caller, c -> services.policyAdmin().totp().status(dev.palisade.server.totp.ApproverTotp.Actor.of(c), c.id().value()).equals("confirmed"),
        false).value();
    return new Views.Approvals(frame, listed.denied(), listed.value(), message, totp);
  }

  /** {@code scope} and {@code id} default to the caller's operator's own policy. */
  Views.Policies policies(Identity caller, Views.Frame frame, String scope, String id) {
    String shownScope = scope == null || scope.isBlank() ? "operator" : scope;
    String shownId = id == null || id.isBlank() ? caller.operator().value() : id.trim();
    Section<List<Views.PolicyVersion>> versions = Section.of(caller, c -> {
      List<JsonNode> history = new ArrayList<>();
      services.policyAdmin().history(c, shownScope, shownId).forEach(history::add); // newest first
      List<Views.PolicyVersion> rows = new ArrayList<>();
      for (int i = 0; i < history.size(); i++) {
        JsonNode version = history.get(i);
        String document = version.path("document").asText();
        List<Views.DiffLine> diff = i + 1 < history.size()
            ? LineDiff.of(history.get(i + 1).path("document").asText(), document) : List.of();
        rows.add(new Views.PolicyVersion(version.path("version").asLong(), version.path("created_at").asText(),
            version.path("created_by").asText(), document, diff));
      }
      return rows;
    }, List.of());
    return new Views.Policies(frame, shownScope, shownId, versions.denied(), versions.value());
  }

  private List<JsonNode> keyNodes(Identity caller) {
    List<JsonNode> keys = new ArrayList<>();
    services.keymanager().list(caller).path("data").forEach(keys::add);
    return keys;
  }

  /** Newest first. */
  private List<Views.AuditRow> auditRows(Identity caller, int rows) {
    List<Views.AuditRow> result = new ArrayList<>();
    for (JsonNode row : services.admin().auditTail(caller, rows)) {
      result.add(new Views.AuditRow(row.path("seq").asLong(), row.path("time").asText(),
          row.path("decision").asText(), text(row, "identity"), text(row, "operator"), text(row, "key"),
          text(row, "type"), text(row, "slot"), text(row, "epoch"), text(row, "reason")));
    }
    result.sort((a, b) -> Long.compare(b.seq(), a.seq()));
    return result;
  }

  private static String text(JsonNode row, String field) {
    JsonNode value = row.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** The node's health checks, as {@code /healthcheck} runs them (node-wide; they name no key). */
  private List<Views.Health> health() {
    List<Views.Health> result = new ArrayList<>();
    for (HealthCheck check : services.healthChecks()) {
      try {
        HealthCheck.Result outcome = check.check();
        result.add(new Views.Health(outcome.id(), outcome.up()));
      } catch (RuntimeException e) {
        result.add(new Views.Health("a check that failed to run", false));
      }
    }
    return result;
  }
}
