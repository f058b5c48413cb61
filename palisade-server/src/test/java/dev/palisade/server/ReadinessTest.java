package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /healthcheck is 503 until keys are loaded; signing is 503 (not 404) meanwhile. */
class ReadinessTest {
  @TempDir Path temp;

  @Test
  void notReadyUntilKeysAreLoaded() {
    try (PalisadeNode node = PalisadeNode.start(TestNodes.sqlite(Networks.named("mainnet"), temp))) {
      HttpTestClient client = new HttpTestClient(node.port());
      assertEquals(503, client.get("/healthcheck").statusCode());
      assertEquals(200, client.get("/upcheck").statusCode());
      assertEquals(
          503,
          client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(1, 2, "0x" + "00".repeat(32)), null)
              .statusCode());

      node.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));

      assertEquals(200, client.get("/healthcheck").statusCode());
      assertEquals(
          200,
          client.sign(SigningApiTest.PUBKEY, SigningApiTest.attestation(1, 2, "0x" + "00".repeat(32)), null)
              .statusCode());
    }
  }
}
