package dev.palisade.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.eth2.Hex;
import dev.palisade.evm.Keccak;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The ethers vectors (palisade-evm/src/test/resources/vectors/evm) as HTTP test input: the
 * eth_signTransaction form of each transaction (fields the ethers JSON omits — blob fees and hashes,
 * authorizations — read back from the vector's own unsignedSerialized), and v3 keystores of the keys.
 */
final class EvmVectors {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private EvmVectors() {}

  static List<JsonNode> load(String file) {
    try (InputStream in = EvmVectors.class.getResourceAsStream("/vectors/evm/" + file)) {
      List<JsonNode> out = new ArrayList<>();
      JSON.readTree(in).forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Web3 Secret Storage v3 keystore (PBKDF2, few rounds: tests only) of a vector's secret key. */
  static String keystore(String secretHex, String password) {
    byte[] secret = Hex.decode(secretHex);
    byte[] salt = new byte[32];
    byte[] iv = new byte[16];
    RANDOM.nextBytes(salt);
    RANDOM.nextBytes(iv);
    PKCS5S2ParametersGenerator pbkdf2 = new PKCS5S2ParametersGenerator(new SHA256Digest());
    pbkdf2.init(password.getBytes(StandardCharsets.UTF_8), salt, 16);
    byte[] dk = ((KeyParameter) pbkdf2.generateDerivedParameters(256)).getKey();
    try {
      Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(dk, 0, 16, "AES"), new IvParameterSpec(iv));
      byte[] ciphertext = aes.doFinal(secret);
      byte[] mac = Keccak.hash(Arrays.copyOfRange(dk, 16, 32), ciphertext);
      ObjectNode root = JSON.createObjectNode();
      ObjectNode crypto = root.putObject("crypto");
      crypto.put("cipher", "aes-128-ctr");
      crypto.putObject("cipherparams").put("iv", hex(iv));
      crypto.put("ciphertext", hex(ciphertext));
      crypto.put("kdf", "pbkdf2");
      crypto.putObject("kdfparams").put("c", 16).put("dklen", 32).put("prf", "hmac-sha256").put("salt", hex(salt));
      crypto.put("mac", hex(mac));
      root.put("id", java.util.UUID.randomUUID().toString());
      root.put("version", 3);
      return root.toString();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    return Hex.encode(bytes).substring(2);
  }

  /**
   * The operator policy the vector tests sign under: EIP-191, EIP-712 and raw signing are off by default
   * (blind signing), and so is EIP-7702 delegation to any address a policy does not list; this enables
   * them, with the delegates of the type-4 vectors.
   */
  static String openPolicy() {
    StringBuilder delegates = new StringBuilder();
    for (JsonNode v : load("transactions.json")) {
      rpcTransaction(v).path("authorizationList").forEach(a ->
          delegates.append(delegates.length() == 0 ? "" : ", ").append('\'').append(a.get("address").asText()).append('\''));
    }
    return "rules: {evm_signing: {eip191: true, eip712: true, raw: true}, evm_transaction: {delegates: [" + delegates + "]}}";
  }

  /** Sets {@link #openPolicy()} on the default operator of {@code node} through the admin API. */
  static void allowEverything(PalisadeNode node) {
    String admin = node.access().store().createIdentity(dev.palisade.auth.NewIdentity.of("policy-admin", "default",
        new dev.palisade.auth.Credential.BearerToken(), "admin")).secret().orElseThrow().reveal();
    try {
      var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + node.port() + "/admin/v1/policies/operator/default"))
          .header("Authorization", "Bearer " + admin)
          .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(openPolicy())).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("policy not set: " + response.body());
      }
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode rpcTransaction(JsonNode vector) {
    JsonNode tx = vector.get("tx");
    ObjectNode rpc = JSON.createObjectNode();
    int type = tx.get("type").asInt();
    rpc.put("type", quantity(BigInteger.valueOf(type)));
    rpc.put("from", vector.get("address").asText());
    if (!tx.get("to").isNull()) {
      rpc.put("to", tx.get("to").asText());
    }
    rpc.put("input", tx.get("data").asText());
    rpc.put("nonce", quantity(new BigInteger(tx.get("nonce").asText())));
    for (String[] names : new String[][] {{"gasLimit", "gas"}, {"gasPrice", "gasPrice"},
        {"maxPriorityFeePerGas", "maxPriorityFeePerGas"}, {"maxFeePerGas", "maxFeePerGas"},
        {"value", "value"}, {"chainId", "chainId"}}) {
      if (!tx.get(names[0]).isNull()) {
        rpc.put(names[1], quantity(new BigInteger(tx.get(names[0]).asText())));
      }
    }
    if (type >= 1) {
      rpc.set("accessList", tx.get("accessList"));
    }
    if (type >= 3) {
      List<?> fields = (List<?>) rlp(Hex.decode(vector.get("unsignedSerialized").asText()), new int[] {1});
      if (type == 3) {
        rpc.put("maxFeePerBlobGas", quantity(new BigInteger(1, (byte[]) fields.get(9))));
        ArrayNode hashes = rpc.putArray("blobVersionedHashes");
        ((List<?>) fields.get(10)).forEach(h -> hashes.add(Hex.encode((byte[]) h)));
      } else {
        ArrayNode auths = rpc.putArray("authorizationList");
        for (Object item : (List<?>) fields.get(9)) {
          List<?> a = (List<?>) item;
          ObjectNode auth = auths.addObject();
          auth.put("chainId", quantity(new BigInteger(1, (byte[]) a.get(0))));
          auth.put("address", Hex.encode((byte[]) a.get(1)));
          auth.put("nonce", quantity(new BigInteger(1, (byte[]) a.get(2))));
          auth.put("yParity", quantity(new BigInteger(1, (byte[]) a.get(3))));
          auth.put("r", quantity(new BigInteger(1, (byte[]) a.get(4))));
          auth.put("s", quantity(new BigInteger(1, (byte[]) a.get(5))));
        }
      }
    }
    return rpc;
  }

  static String quantity(BigInteger value) {
    return "0x" + value.toString(16);
  }

  /** Minimal RLP decoder (test only) at pos[0]. */
  private static Object rlp(byte[] in, int[] pos) {
    int prefix = in[pos[0]++] & 0xff;
    if (prefix < 0x80) {
      return new byte[] {(byte) prefix};
    }
    if (prefix < 0xc0) {
      int length = prefix <= 0xb7 ? prefix - 0x80 : length(in, pos, prefix - 0xb7);
      byte[] out = Arrays.copyOfRange(in, pos[0], pos[0] + length);
      pos[0] += length;
      return out;
    }
    int length = prefix <= 0xf7 ? prefix - 0xc0 : length(in, pos, prefix - 0xf7);
    int end = pos[0] + length;
    List<Object> list = new ArrayList<>();
    while (pos[0] < end) {
      list.add(rlp(in, pos));
    }
    return list;
  }

  private static int length(byte[] in, int[] pos, int bytes) {
    int length = 0;
    for (int i = 0; i < bytes; i++) {
      length = (length << 8) | (in[pos[0]++] & 0xff);
    }
    return length;
  }
}
