package dev.palisade.vault.remote;

import static dev.palisade.vault.remote.VaultProtocol.*;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.signing.InvalidRequestException;
import dev.palisade.eth2.signing.SigningRequest;
import dev.palisade.eth2.signing.SigningRequestDecoder;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.UnknownKeyException;
import dev.palisade.vault.VaultRefusedException;
import dev.palisade.vault.kek.KekRing;
import dev.palisade.vault.keys.KeySealer;
import dev.palisade.vault.seal.SealedKey;
import dev.palisade.vault.seal.SealedKeyException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@link VaultProtocol} requests for {@link VaultServer}. Every signing request is decoded
 * and hashed here, with this vault's own network.
 */
final class VaultRequestHandler {
  private static final Logger LOG = LoggerFactory.getLogger(VaultServer.class);

  private final InProcessVault vault;
  private final Network network;
  private final KekRing keks; // null: LOAD_SEALED_KEY is refused
  private final SigningRequestDecoder decoder = new SigningRequestDecoder();

  VaultRequestHandler(InProcessVault vault, Network network, KekRing keks) {
    this.vault = vault;
    this.network = network;
    this.keks = keks;
  }

  record Response(byte opcode, byte[] payload) {}

  private static Response badRequest(String message) {
    return new Response(BAD_REQUEST, utf8(message));
  }

  /** Answers one request. Never throws. */
  Response handle(Frame request) {
    try {
      byte[] payload = request.payload();
      switch (request.opcode()) {
        case SIGN:
          return sign(payload, 48, null);
        case SIGN_AS: {
          int length = payload.length > 48 ? Byte.toUnsignedInt(payload[48]) : 0;
          if (length == 0 || payload.length <= 49 + length) {
            return badRequest("SIGN_AS takes a 48-byte public key, a tenant (u8 length, then its name) and a request body");
          }
          String tenant = new String(payload, 49, length, java.nio.charset.StandardCharsets.US_ASCII);
          try {
            new dev.palisade.vault.seal.OperatorId(tenant);
          } catch (IllegalArgumentException e) {
            return badRequest("SIGN_AS: the tenant is not an operator id");
          }
          return sign(payload, 49 + length, tenant);
        }
        case LIST_KEYS: {
          if (payload.length != 0) {
            return badRequest("LIST_KEYS takes no payload");
          }
          List<BlsPublicKey> keys = new ArrayList<>(vault.publicKeys());
          keys.sort(null);
          ByteBuffer out = ByteBuffer.allocate(4 + 48 * keys.size());
          out.putInt(keys.size());
          keys.forEach(k -> out.put(k.toArray()));
          return new Response(OK_KEYS, out.array());
        }
        case HAS_KEY: {
          if (payload.length != 48) {
            return badRequest("HAS_KEY takes a 48-byte public key");
          }
          return bool(vault.holds(BlsPublicKey.wrap(payload)));
        }
        case REMOVE_KEY: {
          if (payload.length != 48) {
            return badRequest("REMOVE_KEY takes a 48-byte public key");
          }
          return bool(vault.remove(BlsPublicKey.wrap(payload)));
        }
        case LOAD_SEALED_KEY:
          return load(payload);
        case SIGN_EVM:
          return signEvm(payload);
        case LIST_EVM_KEYS: {
          List<dev.palisade.evm.Address> addresses = new ArrayList<>(vault.evmAddresses());
          addresses.sort(java.util.Comparator.comparing(dev.palisade.evm.Address::lowerHex));
          ByteBuffer out = ByteBuffer.allocate(4 + 20 * addresses.size()).putInt(addresses.size());
          addresses.forEach(a -> out.put(a.bytes()));
          return new Response(OK_EVM_KEYS, out.array());
        }
        case HEALTH: {
          if (payload.length != 0) {
            return badRequest("HEALTH takes no payload");
          }
          return new Response(OK_HEALTH, ByteBuffer.allocate(4).putInt(vault.publicKeys().size()).array());
        }
        default:
          return badRequest("unknown opcode 0x" + Integer.toHexString(request.opcode() & 0xff));
      }
    } catch (RuntimeException e) {
      LOG.error("vault request failed: {}", e.getClass().getSimpleName());
      return new Response(ERROR, utf8("internal error (" + e.getClass().getSimpleName() + ")"));
    }
  }

  private static Response bool(boolean value) {
    return new Response(OK_BOOL, new byte[] {(byte) (value ? 1 : 0)});
  }

  /** {@code tenant} null: share no hash to the curve (SIGN); the request JSON starts at {@code jsonAt}. */
  private Response sign(byte[] payload, int jsonAt, String tenant) {
    if (payload.length <= jsonAt) {
      return badRequest("SIGN takes a 48-byte public key and a request body");
    }
    BlsPublicKey key = BlsPublicKey.wrap(java.util.Arrays.copyOf(payload, 48));
    byte[] json = java.util.Arrays.copyOfRange(payload, jsonAt, payload.length);
    try {
      SigningRequest request = decoder.decode(json);
      byte[] signature = vault.sign(key, request, network, tenant).toArray();
      return new Response(OK_SIGNATURE, signature);
    } catch (InvalidRequestException e) {
      return badRequest(e.getMessage());
    } catch (UnknownKeyException e) {
      return new Response(UNKNOWN_KEY, key.toArray());
    } catch (VaultRefusedException e) {
      byte[] rule = utf8(e.rule().name());
      byte[] message = utf8(e.getMessage());
      return new Response(
          REFUSED, ByteBuffer.allocate(1 + rule.length + message.length).put((byte) rule.length).put(rule).put(message).array());
    }
  }

  /** The vault parses and hashes the typed content itself; an unknown address answers UNKNOWN_KEY. */
  private Response signEvm(byte[] payload) {
    try {
      dev.palisade.evm.EvmSigningRequest request = EvmWire.decode(payload);
      dev.palisade.evm.Address address = EvmWire.address(payload);
      return new Response(OK_EVM_SIGNATURE, EvmWire.encode(vault.signEvm(address, request)));
    } catch (InvalidRequestException e) {
      return badRequest(e.getMessage());
    } catch (dev.palisade.vault.UnknownEvmKeyException e) {
      return new Response(UNKNOWN_KEY, java.util.Arrays.copyOf(payload, 20));
    }
  }

  private Response load(byte[] payload) {
    if (keks == null) {
      return new Response(ERROR, utf8("this vault has no KEK to open sealed keys with"));
    }
    SealedKey record;
    try {
      record = VaultProtocol.decodeSealedKey(payload);
    } catch (IllegalArgumentException e) {
      return badRequest("malformed sealed record: " + e.getMessage());
    }
    if (vault.holds(record.publicKey())) {
      return bool(false);
    }
    try {
      BlsSecretKey key = KeySealer.open(record, keks); // full check: one key, derivation is cheap
      return bool(vault.add(key));
    } catch (SealedKeyException e) {
      return badRequest("sealed record does not open: " + e.kind());
    }
  }
}
