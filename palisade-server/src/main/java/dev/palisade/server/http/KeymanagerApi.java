package dev.palisade.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.auth.AccessDecision;
import dev.palisade.auth.AuthConflictException;
import dev.palisade.auth.Identity;
import dev.palisade.auth.Scope;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.server.access.AccessControl;
import dev.palisade.server.keys.KeyManager;
import dev.palisade.server.keys.KeyManager.ImportResult;
import dev.palisade.server.keys.KeyManager.ImportStatus;
import dev.palisade.server.signing.SigningException;
import dev.palisade.slashing.InterchangeException;
import dev.palisade.slashing.SlashingProtection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Ethereum Keymanager API ({@code /eth/v1/keystores}), limited to the caller's operator: list
 * needs {@code keys:read}, import and delete need {@code keys:write}. Imports carry their EIP-3076
 * history in the same request; a delete stops signing before it exports the keys' history, and
 * never deletes history.
 */
public final class KeymanagerApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AccessControl access;
  private final Supplier<KeyManager> keys;
  private final SlashingProtection slashing;

  /** {@code slashing} may be null when slashing protection is off. */
  public KeymanagerApi(AccessControl access, Supplier<KeyManager> keys, SlashingProtection slashing) {
    this.access = access;
    this.keys = keys;
    this.slashing = slashing;
  }

  private void require(Identity caller, Scope scope) {
    if (access.authorizer().authorize(caller, scope) instanceof AccessDecision.Forbidden forbidden) {
      throw new SigningException.Forbidden(forbidden.message());
    }
  }

  public ObjectNode list(Identity caller) {
    require(caller, Scope.KEYS_READ);
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode data = answer.putArray("data");
    for (KeyManager.KeyInfo key : keys.get().list()) {
      if (access.authorizer().canSee(caller, key.key())) {
        ObjectNode entry = data.addObject();
        entry.put("validating_pubkey", key.key().toHex());
        key.derivationPath().ifPresent(path -> entry.put("derivation_path", path));
        entry.put("readonly", key.readonly());
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
      throw new SigningException.BadRequest("passwords", "keystores and passwords must have the same length");
    }
    JsonNode slashingNode = request.get("slashing_protection");
    byte[] interchange = null;
    if (slashingNode != null && !slashingNode.isNull()) {
      if (!slashingNode.isTextual()) {
        throw new SigningException.BadRequest("slashing_protection", "slashing_protection must be a JSON string");
      }
      interchange = slashingNode.asText().getBytes(StandardCharsets.UTF_8);
    }
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode data = answer.putArray("data");
    for (int i = 0; i < keystores.size(); i++) {
      ObjectNode status = data.addObject();
      ImportResult result = importOne(caller, keystores.get(i), passwords.get(i), interchange);
      status.put("status", result.status().name().toLowerCase(java.util.Locale.ROOT));
      status.put("message", result.message());
    }
    return answer;
  }

  /**
   * One key, all or nothing: its history first (it can only raise watermarks, so it is harmless
   * even if the key then fails), then the key. A key of another operator is refused.
   */
  private ImportResult importOne(Identity caller, String keystore, String password, byte[] interchange) {
    KeyManager manager = keys.get();
    Optional<BlsPublicKey> named = manager.publicKeyOf(keystore);
    if (named.isPresent()) {
      var owner = access.store().ownerOf(named.get());
      if (owner.isPresent() && !owner.get().equals(caller.operator())) {
        return new ImportResult(ImportStatus.ERROR, named, "this key cannot be imported by operator " + caller.operator());
      }
      if (interchange != null && slashing != null) {
        try {
          slashing.importInterchange(new ByteArrayInputStream(interchange), List.of(named.get()));
        } catch (InterchangeException e) {
          return new ImportResult(ImportStatus.ERROR, named, "slashing protection data refused: " + e.getMessage());
        }
      }
    } else if (interchange != null) {
      return new ImportResult(ImportStatus.ERROR, Optional.empty(),
          "the keystore names no pubkey, so its slashing protection data cannot be matched");
    }
    ImportResult result = manager.importKeystore(keystore, password);
    if (result.status() != ImportStatus.ERROR && result.key().isPresent()) {
      BlsPublicKey key = result.key().get();
      if (slashing != null) {
        slashing.registerValidators(List.of(key));
        slashing.setEnabled(key, true);
      }
      try {
        if (access.store().ownerOf(key).isEmpty()) {
          access.store().assignKey(key, caller.operator());
          access.store().refreshNow();
        }
      } catch (AuthConflictException e) {
        manager.delete(key);
        return new ImportResult(ImportStatus.ERROR, result.key(), "this key cannot be imported by operator " + caller.operator());
      }
    }
    return result;
  }

  public ObjectNode deleteKeystores(Identity caller, byte[] body) {
    require(caller, Scope.KEYS_WRITE);
    JsonNode request = JsonBodies.object(body);
    Set<BlsPublicKey> requested = new LinkedHashSet<>();
    for (String text : JsonBodies.strings(request, "pubkeys", true)) {
      try {
        requested.add(BlsPublicKey.fromHex(text));
      } catch (IllegalArgumentException e) {
        throw new SigningException.BadRequest("pubkeys", "not a BLS public key: " + text);
      }
    }
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode data = answer.putArray("data");
    List<BlsPublicKey> exported = new ArrayList<>();
    for (BlsPublicKey key : requested) {
      ObjectNode status = data.addObject();
      if (!access.authorizer().canSee(caller, key)) {
        status.put("status", "not_found").put("message", "");
        continue;
      }
      // stop signing first: no signature for this key can be produced after this point
      boolean removed = keys.get().delete(key);
      if (slashing != null) {
        slashing.setEnabled(key, false); // other instances sharing the database stop too
      }
      boolean hasHistory = slashing != null && hasHistory(key);
      if (removed) {
        status.put("status", "deleted").put("message", "");
      } else if (hasHistory) {
        status.put("status", "not_active").put("message", "key not loaded; its slashing protection data is exported");
      } else {
        status.put("status", "not_found").put("message", "");
      }
      if (removed || hasHistory) {
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
