package dev.palisade.slashing;

import dev.palisade.eth2.Bytes32;

/** One pending check-and-record for a registered validator (by database id). */
sealed interface Check permits Check.BlockCheck, Check.AttestationCheck {
  long validatorId();

  record BlockCheck(long validatorId, long slot, Bytes32 signingRoot) implements Check {}

  record AttestationCheck(long validatorId, long sourceEpoch, long targetEpoch, Bytes32 signingRoot)
      implements Check {
    public AttestationCheck {
      // Refused before reaching a store; the stores' SQL relies on it.
      if (Long.compareUnsigned(sourceEpoch, targetEpoch) > 0) {
        throw new IllegalArgumentException("source epoch after target epoch");
      }
    }
  }
}
