package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.ssz.Ssz;
import dev.palisade.eth2.ssz.SszException;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

public record Deposit(List<Bytes32> proof, DepositData data) {
  /** Vector[Bytes32, DEPOSIT_CONTRACT_TREE_DEPTH + 1]; the depth is 32 in every preset. */
  public static final int PROOF_LENGTH = 33;

  public Deposit {
    proof = List.copyOf(proof);
    if (proof.size() != PROOF_LENGTH) {
      throw new SszException("proof must have " + PROOF_LENGTH + " roots but has " + proof.size());
    }
    Objects.requireNonNull(data, "data");
  }

  public Bytes32 hashTreeRoot() {
    return Ssz.container(Ssz.vector(proof, Function.identity()), data.hashTreeRoot());
  }
}
