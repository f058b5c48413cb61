package dev.palisade.slashing;

import dev.palisade.eth2.BlsPublicKey;
import dev.palisade.eth2.Bytes32;
import java.util.List;

/** A parsed, validated EIP-3076 v5 interchange document. */
record Interchange(Bytes32 genesisValidatorsRoot, List<ValidatorHistory> data) {

  record ValidatorHistory(
      BlsPublicKey pubkey, List<SignedBlock> signedBlocks, List<SignedAttestation> signedAttestations) {}
}
