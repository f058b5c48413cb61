package dev.palisade.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.signing.SigningRequest;
import dev.palisade.eth2.signing.SigningRequestDecoder;
import dev.palisade.eth2.signing.SlashingSubject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The mainnet signing vectors (resources/vectors/signing), ordered so that signing them in turn
 * never goes below a watermark: unslashable types first, then blocks by slot, then attestations by
 * target. The secret key is read from the file only when asked for (never kept in a constant, so
 * that a heap dump of the test JVM does not hold it).
 */
public final class SigningVectors {
  public record Vector(String name, String type, byte[] requestJson, SigningRequest request, String signature) {
    public long order() {
      return request.slashingSubject()
          .map(s -> s instanceof SlashingSubject.Block b ? b.slot() : ((SlashingSubject.Attestation) s).targetEpoch())
          .orElse(-1L);
    }

    public int group() {
      return request.slashingSubject().map(s -> s instanceof SlashingSubject.Block ? 1 : 2).orElse(0);
    }
  }

  private SigningVectors() {}

  private static JsonNode file() {
    try (InputStream in = SigningVectors.class.getResourceAsStream("/vectors/signing/mainnet_signing_vectors.generated.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static BlsPublicKey publicKey() {
    return BlsPublicKey.fromHex(file().get("key").get("pubkey").asText());
  }

  /** The test key's secret, big-endian; the caller should wipe it. */
  public static byte[] secret() {
    return dev.palisade.eth2.Hex.decode(file().get("key").get("secret_key").asText());
  }

  public static List<Vector> ordered() {
    ObjectMapper mapper = new ObjectMapper();
    SigningRequestDecoder decoder = new SigningRequestDecoder();
    List<Vector> vectors = new ArrayList<>();
    for (JsonNode v : file().get("vectors")) {
      try {
        byte[] json = mapper.writeValueAsString(v.get("request")).getBytes(StandardCharsets.UTF_8);
        vectors.add(new Vector(v.get("name").asText(), v.get("request").get("type").asText(), json,
            decoder.decode(json), v.get("signature").asText()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    vectors.sort(Comparator.comparingInt(Vector::group).thenComparingLong(Vector::order));
    return vectors;
  }
}
