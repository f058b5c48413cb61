package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Preset;
import dev.palisade.eth2.ssz.Ssz;
import java.util.List;
import java.util.Objects;

/** Electra ExecutionRequests (EIP-6110 deposits, EIP-7002 withdrawals, EIP-7251 consolidations). */
public record ExecutionRequests(
    List<DepositRequest> deposits, List<WithdrawalRequest> withdrawals, List<ConsolidationRequest> consolidations) {

  public record DepositRequest(Bytes pubkey, Bytes32 withdrawalCredentials, long amount, Bytes signature, long index) {
    public DepositRequest {
      FixedSizes.require(pubkey, FixedSizes.BLS_PUBKEY, "pubkey");
      Objects.requireNonNull(withdrawalCredentials, "withdrawalCredentials");
      FixedSizes.require(signature, FixedSizes.BLS_SIGNATURE, "signature");
    }

    public Bytes32 hashTreeRoot() {
      return Ssz.container(
          Ssz.byteVector(pubkey), withdrawalCredentials, Ssz.uint64(amount), Ssz.byteVector(signature), Ssz.uint64(index));
    }
  }

  public record WithdrawalRequest(Bytes sourceAddress, Bytes validatorPubkey, long amount) {
    public WithdrawalRequest {
      FixedSizes.require(sourceAddress, FixedSizes.EXECUTION_ADDRESS, "sourceAddress");
      FixedSizes.require(validatorPubkey, FixedSizes.BLS_PUBKEY, "validatorPubkey");
    }

    public Bytes32 hashTreeRoot() {
      return Ssz.container(Ssz.byteVector(sourceAddress), Ssz.byteVector(validatorPubkey), Ssz.uint64(amount));
    }
  }

  public record ConsolidationRequest(Bytes sourceAddress, Bytes sourcePubkey, Bytes targetPubkey) {
    public ConsolidationRequest {
      FixedSizes.require(sourceAddress, FixedSizes.EXECUTION_ADDRESS, "sourceAddress");
      FixedSizes.require(sourcePubkey, FixedSizes.BLS_PUBKEY, "sourcePubkey");
      FixedSizes.require(targetPubkey, FixedSizes.BLS_PUBKEY, "targetPubkey");
    }

    public Bytes32 hashTreeRoot() {
      return Ssz.container(Ssz.byteVector(sourceAddress), Ssz.byteVector(sourcePubkey), Ssz.byteVector(targetPubkey));
    }
  }

  public ExecutionRequests {
    deposits = List.copyOf(deposits);
    withdrawals = List.copyOf(withdrawals);
    consolidations = List.copyOf(consolidations);
  }

  public Bytes32 hashTreeRoot(Preset preset) {
    return Ssz.container(
        Ssz.list(deposits, preset.maxDepositRequestsPerPayload(), DepositRequest::hashTreeRoot, "deposits"),
        Ssz.list(withdrawals, preset.maxWithdrawalRequestsPerPayload(), WithdrawalRequest::hashTreeRoot, "withdrawals"),
        Ssz.list(
            consolidations, preset.maxConsolidationRequestsPerPayload(), ConsolidationRequest::hashTreeRoot, "consolidations"));
  }
}
