package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import dev.palisade.vault.InProcessVault;
import dev.palisade.vault.remote.PeerCredentials;
import dev.palisade.vault.remote.VaultServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The signing vectors through the HTTP API of a server that holds no key: every signature comes
 * from a vault behind a Unix domain socket, which decodes and hashes the request itself.
 */
class VaultProcessSigningHttpTest {
  @TempDir static Path temp;
  private static InProcessVault vaultKeys;
  private static VaultServer vaultServer;
  private static PalisadeNode node;
  private static HttpTestClient client;
  private static String pubkey;

  @BeforeAll
  static void start() throws Exception {
    vaultKeys = new InProcessVault();
    BlsSecretKey key = BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET));
    pubkey = key.publicKey().toHex();
    vaultKeys.add(key);
    Path socket = temp.resolve("vault").resolve("vault.sock");
    vaultServer = VaultServer.start(socket, vaultKeys, Networks.named("mainnet"), null, PeerCredentials.currentUser());
    node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp.resolve("data")).withVaultSocket(socket));
    assertEquals(1, node.adoptVaultKeys());
    client = HttpTestClient.everySigningScope(node);
  }

  @AfterAll
  static void stop() {
    node.close();
    vaultServer.close();
    vaultKeys.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.palisade.server.MainnetSigningVectorsHttpTest#vectors")
  void signsEveryVectorThroughTheVaultProcess(String name, JsonNode vector) {
    HttpResponse<String> response = client.sign(pubkey, vector.get("request").toString(), "application/json");
    assertEquals(200, response.statusCode(), () -> name + ": " + response.body());
    assertEquals(vector.get("signature").asText(),
        MainnetSigningVectorsHttpTest.readJson(response.body()).get("signature").asText(), name);
  }

  @Test
  void theServerHoldsNoKeyAndHealthReportsTheVault() {
    assertNull(node.vault(), "no in-process vault: the server never holds a secret");
    assertFalse(client.get("/healthcheck").body().contains("DOWN"));
    assertEquals("[\"" + pubkey + "\"]", client.get("/api/v1/eth2/publicKeys").body());
  }
}
