package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.auth.Credential;
import dev.palisade.auth.NewIdentity;
import dev.palisade.crypto.SecretBytes;
import dev.palisade.crypto.Secp256k1SecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.remote.PeerCredentials;
import dev.palisade.vault.remote.VaultServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every EVM vector signed through a server whose keys live in a vault behind the socket: the server
 * sends typed content, the vault parses and hashes it; accounts it holds are adopted by the default
 * operator like its BLS keys.
 */
class EvmVaultProcessHttpTest {
  @TempDir Path temp;

  @Test
  void everyVectorThroughTheVaultProcess() throws Exception {
    List<JsonNode> txs = EvmVectors.load("transactions.json");
    List<JsonNode> messages = EvmVectors.load("eip191.json");
    List<JsonNode> typed = EvmVectors.load("eip712.json");
    InProcessVault vaultKeys = new InProcessVault();
    for (List<JsonNode> file : List.of(txs, messages, typed)) {
      for (JsonNode v : file) {
        vaultKeys.evm().add(Secp256k1SecretKey.fromBytes(SecretBytes.takeOwnership(Hex.decode(v.get("secretKey").asText()))));
      }
    }
    Path socket = temp.resolve("vault").resolve("vault.sock");
    try (VaultServer server = VaultServer.start(socket, vaultKeys, Networks.named("mainnet"), null, PeerCredentials.currentUser());
        PalisadeNode node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp.resolve("data")).withVaultSocket(socket))) {
      node.adoptVaultKeys();
      EvmVectors.allowEverything(node);
      String token = node.access().store().createIdentity(NewIdentity.of("wallet", "default", new Credential.BearerToken(),
          "sign:evm:tx,sign:evm:eip191,sign:evm:eip712")).secret().orElseThrow().reveal();
      HttpClient client = HttpClient.newHttpClient();
      for (JsonNode v : txs) {
        JsonNode answer = post(client, node, token, "/api/v1/evm/" + v.get("address").asText() + "/sign/transaction",
            EvmVectors.rpcTransaction(v).toString());
        assertEquals(v.get("signedSerialized").asText(), answer.get("raw").asText(), v.get("name").asText());
      }
      for (JsonNode v : messages) {
        String data = v.get("messageEncoding").asText().equals("hex") ? v.get("message").asText()
            : Hex.encode(v.get("message").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        JsonNode answer = post(client, node, token, "/", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"personal_sign\","
            + "\"params\":[\"" + data + "\",\"" + v.get("address").asText() + "\"]}");
        assertEquals(v.get("signature").get("serialized").asText(), answer.get("result").asText(), answer.toString());
      }
      for (JsonNode v : typed) {
        JsonNode answer = post(client, node, token, "/api/v1/evm/" + v.get("address").asText() + "/sign/eip712",
            v.get("typedData").toString());
        assertEquals(v.get("signature").get("serialized").asText(), answer.get("signature").asText());
      }
    } finally {
      vaultKeys.close();
    }
  }

  private static JsonNode post(HttpClient client, PalisadeNode node, String token, String path, String body) throws Exception {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return TenantNode.read(response.body());
  }
}
