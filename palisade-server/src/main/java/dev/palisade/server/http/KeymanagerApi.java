package dev.palisade.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.auth.AccessDecision;
import dev.palisade.auth.Identity;
import dev.palisade.auth.Scope;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.server.access.AccessControl;
import dev.palisade.server.keys.Actor;
import dev.palisade.server.keys.KeyRegistry;
import dev.palisade.slashing.SlashingProtection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The Ethereum Keymanager API ({@code /eth/v1/keystores}), limited to the caller's operator: list
 * needs {@code keys:read}, import and delete need {@code keys:write}. Every change goes through the
 * {@link KeyRegistry}; this class only reads requests and writes answers. A delete stops signing
 * before it exports the keys' history, and never deletes history.
 */
public final class KeymanagerApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AccessControl access;
  private final KeyRegistry keys;
  private final SlashingProtection slashing;

  /** {@code slashing} may be null when slashing protection is off. */
  public KeymanagerApi(AccessControl access, KeyRegistry keys, SlashingProtection slashing) {
    this.access = access;
    this.keys = keys;
    this.slashing = slashing;
  }

  private void require(Identity caller, Scope scope) {
    if (access.authorizer().authorize(caller, scope) instanceof AccessDecision.Forbidden forbidden) {
      throw new ApiException.Forbidden(forbidden.message());
    }
  }

  public ObjectNode list(Identity caller) {
    require(caller, Scope.KEYS_READ);
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode data = answer.putArray("data");
    for (KeyRegistry.KeyInfo key : keys.list(caller.operator())) {
      if (caller.keyListAdmits(key.key())) {
        ObjectNode entry = data.addObject();
        entry.put("validating_pubkey", key.key().toHex());
        key.derivationPath().ifPresent(path -> entry.put("derivation_path", path));
        entry.put("readonly", key.readOnly());
      }
    }
    return answer;
  }

  public ObjectNode importKeystores(Identity caller, byte[] body) {
    require(caller, Scope.KEYS_WRITE);
    JsonNode request = JsonBodies.object(body);
    List<String> keystores = JsonBodies.strings(request, "keystores", true);
    List<String> passwords = JsonBodies.strings(request, "passwords", true);
    if (keystores.size() != passwords.size()) {
      throw new ApiException.BadRequest("passwords", "keystores and passwords must have the same length");
    }
    JsonNode slashingNode = request.get("slashing_protection");
    byte[] interchange = null;
    if (slashingNode != null && !slashingNode.isNull()) {
      if (!slashingNode.isTextual()) {
        throw new ApiException.BadRequest("slashing_protection", "slashing_protection must be a JSON string");
      }
      interchange = slashingNode.asText().getBytes(StandardCharsets.UTF_8);
    }
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode data = answer.putArray("data");
    for (int i = 0; i < keystores.size(); i++) {
      KeyRegistry.ImportResult result =
          keys.importKeystore(Actor.of(caller), keystores.get(i), passwords.get(i), interchange);
      data.addObject()
          .put("status", result.status().name().toLowerCase(Locale.ROOT))
          .put("message", result.message());
    }
    return answer;
  }

  public ObjectNode deleteKeystores(Identity caller, byte[] body) {
    require(caller, Scope.KEYS_WRITE);
    JsonNode request = JsonBodies.object(body);
    Set<BlsPublicKey> requested = new LinkedHashSet<>();
    for (String text : JsonBodies.strings(request, "pubkeys", true)) {
      try {
        requested.add(BlsPublicKey.fromHex(text));
      } catch (IllegalArgumentException e) {
        throw new ApiException.BadRequest("pubkeys", "not a BLS public key: " + text);
      }
    }
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode data = answer.putArray("data");
    List<BlsPublicKey> exported = new ArrayList<>();
    for (BlsPublicKey key : requested) {
      KeyRegistry.DeleteResult result =
          access.authorizer().canSee(caller, key)
              ? keys.delete(Actor.of(caller), key, slashing != null && hasHistory(key))
              : new KeyRegistry.DeleteResult(KeyRegistry.DeleteStatus.NOT_FOUND, "");
      data.addObject()
          .put("status", result.status().name().toLowerCase(Locale.ROOT))
          .put("message", result.message());
      if (result.status() == KeyRegistry.DeleteStatus.DELETED
          || result.status() == KeyRegistry.DeleteStatus.NOT_ACTIVE) {
        exported.add(key);
      }
    }
    answer.put("slashing_protection", exportFor(exported));
    return answer;
  }

  private boolean hasHistory(BlsPublicKey key) {
    try {
      JsonNode interchange = JSON.readTree(exportFor(List.of(key)));
      return interchange.path("data").size() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  private String exportFor(List<BlsPublicKey> exportedKeys) {
    Optional<String> root =
        slashing == null ? Optional.empty() : slashing.genesisValidatorsRoot().map(r -> r.toHex());
    if (exportedKeys.isEmpty() || root.isEmpty()) {
      ObjectNode empty = JSON.createObjectNode();
      ObjectNode metadata = empty.putObject("metadata");
      metadata.put("interchange_format_version", "5");
      root.ifPresentOrElse(
          gvr -> metadata.put("genesis_validators_root", gvr), () -> metadata.putNull("genesis_validators_root"));
      empty.putArray("data");
      return empty.toString();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    slashing.exportInterchange(out, exportedKeys);
    return out.toString(StandardCharsets.UTF_8);
  }
}
