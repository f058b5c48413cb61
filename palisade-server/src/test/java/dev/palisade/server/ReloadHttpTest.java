package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.Networks;
import dev.palisade.vault.kek.Passphrase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /reload adds and removes keystore and sealed keys while another key keeps signing, with no failed request. */
class ReloadHttpTest {
  private static final String PASSWORD = "keystore password";

  @TempDir Path temp;

  @Test
  void reloadAddsAndRemovesKeysUnderLoadWithoutAFailedRequest() throws Exception {
    Path keystores = Files.createDirectories(temp.resolve("keystores"));
    Path passwordFile = Files.writeString(temp.resolve("password.txt"), PASSWORD);
    BlsSecretKey steady = TenantNode.newKey();
    BlsSecretKey leaving = TenantNode.newKey();
    BlsSecretKey arriving = TenantNode.newKey();
    Files.writeString(keystores.resolve("steady.json"), TenantNode.keystore(steady, PASSWORD));
    Files.writeString(keystores.resolve("leaving.json"), TenantNode.keystore(leaving, PASSWORD));
    NodeConfig config = new NodeConfig(new ServerConfig("127.0.0.1", 0, 1 << 20, 4), Networks.named("mainnet"),
            temp.resolve("data"), NodeConfig.SlashingConfig.embedded(),
            Optional.of(new NodeConfig.KeystoreSource(keystores, Optional.empty(), Optional.of(passwordFile))))
        .withSealedKeys(new dev.palisade.server.keys.SealedKeysConfig(temp.resolve("data").resolve("kek.sealed"),
            Optional.of(() -> Passphrase.of("kek passphrase")), Optional.empty()));
    try (PalisadeNode node = PalisadeNode.start(config)) {
      node.addKeys(config.keystores().get().load().secretKeys());
      String admin = node.access().store().createIdentity(dev.palisade.auth.NewIdentity.of(
          "ops", "default", new dev.palisade.auth.Credential.BearerToken(), "admin,validate,keys:read"))
          .secret().orElseThrow().reveal();
      HttpTestClient client = new HttpTestClient(node.port(), admin);
      assertEquals(2, node.loadedKeys().size());

      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger signed = new AtomicInteger();
      ExecutorService load = Executors.newSingleThreadExecutor();
      Future<String> failures = load.submit(() -> {
        long target = 10;
        while (running.get()) {
          target++;
          HttpResponse<String> response = client.sign(steady.publicKey().toHex(),
              SigningApiTest.attestation(target - 1, target, "0x" + "00".repeat(32)), null);
          if (response.statusCode() != 200) {
            return response.statusCode() + " " + response.body();
          }
          signed.incrementAndGet();
        }
        return null;
      });

      // a keystore removed and one added on disk, a sealed key imported elsewhere (as `palisade keys import` does)
      Files.delete(keystores.resolve("leaving.json"));
      Files.writeString(keystores.resolve("arriving.json"), TenantNode.keystore(arriving, PASSWORD));
      BlsSecretKey sealedElsewhere = TenantNode.newKey();
      var sealedKeys = node.sealedKeyStore().orElseThrow();
      var kek = dev.palisade.vault.kek.SealedFileKek.openOrCreate(temp.resolve("data").resolve("kek.sealed"),
          Passphrase.of("kek passphrase"), dev.palisade.vault.kek.ScryptParams.DEFAULT);
      sealedKeys.put(dev.palisade.vault.keys.KeySealer.seal(sealedElsewhere, dev.palisade.vault.seal.OperatorId.DEFAULT, kek));

      HttpResponse<String> reloaded = client.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + node.port() + "/reload"))
          .header("Authorization", "Bearer " + admin).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
      assertEquals(200, reloaded.statusCode(), reloaded.body());
      JsonNode summary = MainnetSigningVectorsHttpTest.readJson(reloaded.body());
      assertEquals(2, summary.get("added").asInt(), reloaded.body());
      assertEquals(1, summary.get("removed").asInt(), reloaded.body());

      int before = signed.get();
      while (signed.get() < before + 5) {
        Thread.sleep(10);
      }
      running.set(false);
      assertEquals(null, failures.get(), "no request failed while reloading");
      load.shutdown();

      assertTrue(node.loadedKeys().contains(arriving.publicKey()));
      assertTrue(node.loadedKeys().contains(sealedElsewhere.publicKey()));
      assertFalse(node.loadedKeys().contains(leaving.publicKey()));
      assertEquals(404, client.sign(leaving.publicKey().toHex(), SigningApiTest.attestation(1, 2, "0x" + "00".repeat(32)), null).statusCode());
      assertEquals(200, client.sign(arriving.publicKey().toHex(), SigningApiTest.attestation(1, 2, "0x" + "00".repeat(32)), null).statusCode());
      assertEquals(200, client.sign(sealedElsewhere.publicKey().toHex(), SigningApiTest.attestation(1, 2, "0x" + "00".repeat(32)), null).statusCode());

      // the sealed record deleted elsewhere: the next reload stops signing with it
      sealedKeys.delete(sealedElsewhere.publicKey());
      assertEquals(1, node.reload().removed());
      assertFalse(node.loadedKeys().contains(sealedElsewhere.publicKey()));
      kek.close();
    }
  }
}
