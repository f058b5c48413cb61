package dev.palisade.eth2.signing;

import dev.palisade.eth2.Network;
import dev.palisade.eth2.Networks;

/** Networks the published API examples were made on. */
final class TestNetworks {
  private TestNetworks() {}

  /**
   * The Web3Signer / remote-signing-api examples: minimal preset (their sync-committee bitvectors
   * are 32 and 8 bits) and GENESIS_FORK_VERSION 0x00000001 (their VALIDATOR_REGISTRATION), with
   * Altair from genesis so that the sync-committee examples at slot 0 can be signed.
   */
  static Network apiExamples() {
    return Networks.fromConfigYaml(
        """
        PRESET_BASE: 'minimal'
        CONFIG_NAME: 'api-examples'
        GENESIS_FORK_VERSION: 0x00000001
        ALTAIR_FORK_VERSION: 0x01000001
        ALTAIR_FORK_EPOCH: 0
        GENESIS_VALIDATORS_ROOT: 0x04700007fabc8282644aed6d1c7c9e21d38a03a0c4ba193f3afe428824b3a673
        """);
  }
}
