package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.Credential;
import dev.palisade.auth.IdentityId;
import dev.palisade.auth.NewIdentity;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Hex;
import dev.palisade.eth2.Networks;
import dev.palisade.server.access.AccessControl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A token revoked through one instance is refused by a second instance on the same PostgreSQL within a second. */
class RevocationAcrossInstancesHttpTest {
  @TempDir Path temp;

  @Test
  void revocationReachesTheOtherInstanceWithinASecond() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      String url = postgres.getJdbcUrl("postgres", "postgres");
      NodeConfig first = TestNodes.postgres(Networks.named("mainnet"), temp.resolve("a"), url, "postgres", "postgres");
      NodeConfig second = TestNodes.postgres(Networks.named("mainnet"), temp.resolve("b"), url, "postgres", "postgres");
      try (PalisadeNode a = PalisadeNode.start(first); PalisadeNode b = PalisadeNode.start(second)) {
        a.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
        b.addKeys(List.of(BlsSecretKey.fromBytes(Hex.decode(SigningApiTest.SECRET))));
        String token = a.access().store()
            .createIdentity(NewIdentity.of("vc-1", AccessControl.DEFAULT_OPERATOR.value(), new Credential.BearerToken(), "keys:read"))
            .secret().orElseThrow().reveal();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest onB = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.port() + "/api/v1/eth2/publicKeys"))
            .header("Authorization", "Bearer " + token).build();
        long visibleDeadline = System.nanoTime() + 5_000_000_000L;
        int status = 0;
        while (System.nanoTime() < visibleDeadline && status != 200) {
          status = client.send(onB, HttpResponse.BodyHandlers.ofString()).statusCode();
        }
        assertEquals(200, status, "the new identity works on the second instance");

        assertTrue(a.access().store().revokeIdentity(IdentityId.of("vc-1")));
        long revokedAt = System.nanoTime();
        while (client.send(onB, HttpResponse.BodyHandlers.ofString()).statusCode() != 401) {
          assertTrue(System.nanoTime() - revokedAt < 1_000_000_000L, "still accepted a second after revocation");
          Thread.sleep(20);
        }
        assertEquals(401, client.send(onB, HttpResponse.BodyHandlers.ofString()).statusCode());
      }
    }
  }
}
