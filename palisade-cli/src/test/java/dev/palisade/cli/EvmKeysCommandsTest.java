package dev.palisade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.palisade.auth.Credential;
import dev.palisade.auth.NewIdentity;
import dev.palisade.auth.OperatorId;
import dev.palisade.evm.Address;
import dev.palisade.server.NodeConfig;
import dev.palisade.server.PalisadeNode;
import dev.palisade.server.ServerConfig;
import dev.palisade.server.keys.SealedKeysConfig;
import dev.palisade.vault.kek.Passphrase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code palisade keys import --type secp256k1} (the Web3 Secret Storage definition's PBKDF2 test
 * vector) and {@code keys generate --type secp256k1}; then a node on the same data path opens both
 * sealed keys, lists them for their operator and signs with them over HTTP.
 */
class EvmKeysCommandsTest {
  static final String VECTOR_ADDRESS = "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b";
  static final String VECTOR = """
      {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},
      "ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","kdf":"pbkdf2",
      "kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256",
      "salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
      "mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},
      "id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}""";

  @TempDir Path temp;

  private record Outcome(int exitCode, String out, String err) {}

  private Outcome run(String... args) {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      List<String> all = new ArrayList<>(List.of(args));
      all.add("--data-path");
      all.add(temp.resolve("data").toString());
      int code = Main.execute(all.toArray(String[]::new), Map.of());
      return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  @Test
  void importAndGenerateGoThroughTheRegistryAndANodeSignsWithBoth() throws Exception {
    Path keystores = Files.createDirectories(temp.resolve("keystores"));
    Files.writeString(keystores.resolve("vector.json"), VECTOR);
    Path password = Files.writeString(temp.resolve("password.txt"), "testpassword");
    Path kekPassphrase = Files.writeString(temp.resolve("kek.txt"), "kek passphrase of default");

    Outcome noOperator = run("keys", "import", "--type", "secp256k1", "--operator", "opb", "--keystores-path",
        keystores.toString(), "--keystores-password-file", password.toString(), "--kek-passphrase-file",
        kekPassphrase.toString());
    assertEquals(1, noOperator.exitCode(), noOperator.out() + noOperator.err());
    assertTrue(noOperator.err().contains("operator 'opb' does not exist"), noOperator.err());

    // the default operator is created by the first import, as by the first `palisade run`
    Outcome imported = run("keys", "import", "--type", "secp256k1", "--keystores-path", keystores.toString(),
        "--keystores-password-file", password.toString(), "--kek-passphrase-file", kekPassphrase.toString());
    assertEquals(0, imported.exitCode(), imported.out() + imported.err());
    assertTrue(imported.out().contains("imported  " + VECTOR_ADDRESS), imported.out());

    Outcome generated = run("keys", "generate", "--type", "secp256k1", "--kek-passphrase-file", kekPassphrase.toString());
    assertEquals(0, generated.exitCode(), generated.out() + generated.err());
    Matcher m = Pattern.compile("Generated (0x[0-9a-fA-F]{40})").matcher(generated.out());
    assertTrue(m.find(), generated.out());
    String generatedAddress = m.group(1);
    assertTrue(!generated.out().matches("(?s).*[0-9a-f]{64}.*"), "no secret is printed");

    Outcome listed = run("keys", "list");
    // EIP-191 is off unless a policy enables it: the operator's policy, set through the CLI
    Path policy = Files.writeString(temp.resolve("policy.yaml"), "rules: {evm_signing: {eip191: true}}");
    Outcome set = run("policy", "set", "operator", "default", policy.toString());
    assertEquals(0, set.exitCode(), set.out() + set.err());
    assertTrue(listed.out().contains(VECTOR_ADDRESS + "  ") && listed.out().contains(generatedAddress + "  "), listed.out());

    NodeConfig config = new NodeConfig(new ServerConfig("127.0.0.1", 0, 1 << 20, 2),
        dev.palisade.eth2.Networks.named("mainnet"), temp.resolve("data"), NodeConfig.SlashingConfig.embedded(),
        Optional.empty(), new NodeConfig.AccessConfig(Optional.empty(), false))
        .withSealedKeys(new SealedKeysConfig(temp.resolve("data").resolve("kek.sealed"),
            Optional.of(() -> Passphrase.of("kek passphrase of default")), Optional.empty()))
        .withEvm(new dev.palisade.server.evm.EvmApi.EvmConfig(
            Optional.of(java.math.BigInteger.valueOf(17000)), Optional.empty()));
    try (PalisadeNode node = PalisadeNode.start(config)) {
      node.loadSealedKeys();
      List<Address> held = node.keys().evm().list(OperatorId.of("default"));
      assertEquals(List.of(Address.parse(VECTOR_ADDRESS), Address.parse(generatedAddress)).stream()
          .sorted(java.util.Comparator.comparing(Address::lowerHex)).toList(), held);
      String token = node.access().store().createIdentity(NewIdentity.of("signer", "default",
          new Credential.BearerToken(), "sign:evm:eip191")).secret().orElseThrow().reveal();
      HttpClient client = HttpClient.newHttpClient();
      for (String address : List.of(VECTOR_ADDRESS, generatedAddress)) {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.port() + "/api/v1/evm/" + address + "/sign/eip191"))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hello\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"signature\":\"0x"), answer.body());
      }
      HttpResponse<String> chainId = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/"))
          .header("Authorization", "Bearer " + token)
          .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x4268\"}", chainId.body());
      // The imported key is the vector's secret (from the Web3 Secret Storage definition), not any key.
      try (var secret = dev.palisade.crypto.SecretBytes.takeOwnership(dev.palisade.eth2.Hex.decode(
              "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"));
          var key = dev.palisade.crypto.Secp256k1SecretKey.fromBytes(secret)) {
        String expected = key.sign(dev.palisade.evm.PersonalMessage.ofText("hello").digest()).toRsvHex();
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.port() + "/api/v1/evm/" + VECTOR_ADDRESS + "/sign/eip191"))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hello\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertTrue(answer.body().contains(expected), answer.body());
      }
    }
  }
}
