package dev.palisade.policy;

import dev.palisade.auth.IdentityId;
import dev.palisade.auth.OperatorId;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Networks;
import dev.palisade.eth2.signing.SigningRequest;
import dev.palisade.eth2.signing.SigningRequestDecoder;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/** Web3Signer request bodies (from the mainnet signing vectors, fields varied) and policy requests made of them. */
final class Requests {
  static final String PUBKEY =
      "0x9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07";
  static final String GVR = "0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95";
  static final String TREASURY = "abcf8e0d4e9587369b2301d0790347320302cc09";
  static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  private Requests() {}

  static String deposit(String credentials, long amount) {
    return """
        {"type":"DEPOSIT","deposit":{"pubkey":"%s","withdrawal_credentials":"%s","amount":"%s","genesis_fork_version":"0x00000000"}}
        """.formatted(PUBKEY, credentials, Long.toUnsignedString(amount));
  }

  static String registration(String feeRecipient, long gasLimit) {
    return """
        {"type":"VALIDATOR_REGISTRATION","validator_registration":{"fee_recipient":"%s","gas_limit":"%d","timestamp":"1700000000","pubkey":"%s"}}
        """.formatted(feeRecipient, gasLimit, PUBKEY);
  }

  static String exit(long epoch) {
    return """
        {"type":"VOLUNTARY_EXIT","fork_info":{"fork":{"previous_version":"0x00000000","current_version":"0x00000000","epoch":"0"},
         "genesis_validators_root":"%s"},"voluntary_exit":{"epoch":"%d","validator_index":"9"}}
        """.formatted(GVR, epoch);
  }

  static String randao(long epoch) {
    return """
        {"type":"RANDAO_REVEAL","fork_info":{"fork":{"previous_version":"0x00000000","current_version":"0x00000000","epoch":"0"},
         "genesis_validators_root":"%s"},"randao_reveal":{"epoch":"%d"}}
        """.formatted(GVR, epoch);
  }

  static PolicyRequest of(String body, String identity, String operator, String source, Instant time) {
    try {
      SigningRequest message = new SigningRequestDecoder().decode(body.getBytes(StandardCharsets.UTF_8));
      return new PolicyRequest(message, message.signingRoot(Networks.named("mainnet")), BlsPublicKey.fromHex(PUBKEY),
          IdentityId.of(identity), OperatorId.of(operator),
          source == null ? Optional.empty() : Optional.of(InetAddress.getByName(source)), time);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static PolicyRequest of(String body) {
    return of(body, "validator", "default", "10.0.0.5", NOW);
  }
}
