package dev.palisade.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.Identity;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.evm.Address;
import dev.palisade.server.PalisadeServer;
import dev.palisade.server.http.ApiException;
import dev.palisade.server.http.ErrorResponses;
import dev.palisade.slashing.KeyWatermark;
import dev.palisade.slashing.SlashingStoreUnavailableException;
import dev.palisade.slashing.Watermarks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The keys page: the operator's BLS keys (from the Keymanager list, so the same visibility) and the
 * secp256k1 accounts this node holds for it, {@value #PAGE_SIZE} per page. The slashing store is read
 * once per page for the page's BLS keys (enabled flag, block slot, attestation source/target); last
 * signature and refusals come from the audit rows the overview also reads.
 */
final class KeyRows {
  static final int PAGE_SIZE = 100;

  /** A BLS key or an account, before the page's watermarks are known. */
  private record Listed(String id, String type, boolean readOnly, String derivationPath) {}

  private final PalisadeServer.Services services;
  private final Clock clock;

  KeyRows(PalisadeServer.Services services, Clock clock) {
    this.services = services;
    this.clock = clock;
  }

  /** {@code audit}: the latest audit rows, newest first (empty with {@code auditDenied} set when not allowed). */
  Views.Keys page(Identity caller, Views.Frame frame, int requestedPage, List<Views.AuditRow> audit, String auditDenied) {
    List<Listed> listed = new ArrayList<>();
    try {
      for (JsonNode key : services.keymanager().list(caller).path("data")) {
        listed.add(new Listed(key.path("validating_pubkey").asText(), "BLS", key.path("readonly").asBoolean(),
            key.path("derivation_path").asText("")));
      }
    } catch (ApiException e) { // 403 without keys:read, 503 keys still loading
      return new Views.Keys(frame, ErrorResponses.publicMessage(e), List.of(), auditDenied, null, 1, 1, 0);
    }
    listed.sort(Comparator.comparing(Listed::id));
    accounts(caller).forEach(address -> listed.add(new Listed(address.toString(), "secp256k1", false, "")));
    int pages = Math.max(1, (listed.size() + PAGE_SIZE - 1) / PAGE_SIZE);
    int page = Math.min(Math.max(1, requestedPage), pages);
    List<Listed> shown = listed.subList((page - 1) * PAGE_SIZE, Math.min(listed.size(), page * PAGE_SIZE));

    List<BlsPublicKey> bls = shown.stream().filter(key -> key.type().equals("BLS"))
        .map(key -> BlsPublicKey.fromHex(key.id())).toList();
    Map<BlsPublicKey, KeyWatermark> watermarks = Map.of();
    String watermarksDenied = null;
    Watermarks store = services.watermarks();
    if (store == null) {
      watermarksDenied = "slashing protection is off on this node: no watermarks";
    } else {
      try {
        watermarks = store.of(bls); // one query for the page
      } catch (SlashingStoreUnavailableException e) {
        watermarksDenied = "the slashing store is unavailable: watermarks not shown";
      }
    }

    Instant dayAgo = clock.instant().minus(Duration.ofDays(1));
    Map<String, Integer> refusals = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    Map<String, String> lastSigned = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Views.AuditRow row : audit) { // newest first
      if (row.key() == null) {
        continue;
      }
      if (row.decision().equals("REFUSED") && Instant.parse(row.time()).isAfter(dayAgo)) {
        refusals.merge(row.key(), 1, Integer::sum);
      } else if (row.decision().equals("SIGNED")) {
        lastSigned.putIfAbsent(row.key(), row.type()
            + (row.slot() != null ? " slot " + row.slot() : row.epoch() != null ? " epoch " + row.epoch() : ""));
      }
    }
    List<Views.Key> rows = new ArrayList<>();
    for (Listed key : shown) {
      KeyWatermark mark = key.type().equals("BLS") ? watermarks.get(BlsPublicKey.fromHex(key.id())) : null;
      String state = mark == null ? "—" : mark.enabled() ? "enabled" : "disabled";
      rows.add(new Views.Key(key.id(), caller.operator().value(), key.type(), state,
          key.readOnly() ? "read-only" : "managed", key.derivationPath(),
          mark == null ? null : KeyWatermark.text(mark.blockSlot()),
          mark == null ? null : KeyWatermark.text(mark.attestationSource()),
          mark == null ? null : KeyWatermark.text(mark.attestationTarget()),
          lastSigned.get(key.id()), refusals.getOrDefault(key.id(), 0)));
    }
    return new Views.Keys(frame, null, rows, auditDenied, watermarksDenied, page, pages, listed.size());
  }

  /** The operator's accounts on this node; none for an identity limited to listed (validator) keys. */
  private List<Address> accounts(Identity caller) {
    try {
      return services.evm().accounts(caller);
    } catch (ApiException e) {
      return List.of();
    }
  }
}
