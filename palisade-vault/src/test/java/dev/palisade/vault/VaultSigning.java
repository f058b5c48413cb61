package dev.palisade.vault;

import dev.palisade.crypto.BlsSecretKey;
import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ForkVersion;
import dev.palisade.eth2.Network;
import dev.palisade.eth2.Networks;
import dev.palisade.eth2.signing.ForkInfo;
import dev.palisade.eth2.signing.RandaoRevealRequest;

/** Signs a typed message through a vault and directly with a key, to compare the two. */
public final class VaultSigning {
  public static final Network MAINNET = Networks.named("mainnet");
  public static final RandaoRevealRequest RANDAO =
      new RandaoRevealRequest(
          new ForkInfo(
              new ForkInfo.ForkVersions(
                  ForkVersion.fromHex("0x04000000"), ForkVersion.fromHex("0x05000000"), 364032),
              MAINNET.genesisValidatorsRoot().orElse(Bytes32.ZERO)),
          null,
          400_000);

  private VaultSigning() {}

  public static String viaVault(Vault vault, BlsPublicKey publicKey) {
    return vault.sign(publicKey, RANDAO, MAINNET).toHex();
  }

  public static String direct(BlsSecretKey key) {
    return key.sign(RANDAO.signingRoot(MAINNET)).toHex();
  }
}
