package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Preset;
import dev.palisade.eth2.ssz.Ssz;
import dev.palisade.eth2.ssz.SszException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The fields an ExecutionPayload and its ExecutionPayloadHeader share. blob_gas_used and
 * excess_blob_gas exist from Deneb on and are ignored (left 0) before.
 */
public record ExecutionPayloadFields(
    Bytes32 parentHash,
    Bytes feeRecipient,
    Bytes32 stateRoot,
    Bytes32 receiptsRoot,
    Bytes logsBloom,
    Bytes32 prevRandao,
    long blockNumber,
    long gasLimit,
    long gasUsed,
    long timestamp,
    Bytes extraData,
    BigInteger baseFeePerGas,
    Bytes32 blockHash,
    long blobGasUsed,
    long excessBlobGas) {

  public ExecutionPayloadFields {
    Objects.requireNonNull(parentHash, "parentHash");
    FixedSizes.require(feeRecipient, FixedSizes.EXECUTION_ADDRESS, "feeRecipient");
    Objects.requireNonNull(stateRoot, "stateRoot");
    Objects.requireNonNull(receiptsRoot, "receiptsRoot");
    Objects.requireNonNull(logsBloom, "logsBloom");
    Objects.requireNonNull(prevRandao, "prevRandao");
    Objects.requireNonNull(extraData, "extraData");
    Objects.requireNonNull(baseFeePerGas, "baseFeePerGas");
    Objects.requireNonNull(blockHash, "blockHash");
  }

  /**
   * Field roots of the whole container in order, given the roots of the two list fields that
   * differ between payload and header.
   */
  Bytes32 hashTreeRoot(Fork fork, Preset preset, Bytes32 transactionsRoot, Bytes32 withdrawalsRoot) {
    if (logsBloom.length() != preset.bytesPerLogsBloom()) {
      throw new SszException("logs_bloom must be " + preset.bytesPerLogsBloom() + " bytes");
    }
    List<Bytes32> roots = new ArrayList<>(17);
    roots.add(parentHash);
    roots.add(Ssz.byteVector(feeRecipient));
    roots.add(stateRoot);
    roots.add(receiptsRoot);
    roots.add(Ssz.byteVector(logsBloom));
    roots.add(prevRandao);
    roots.add(Ssz.uint64(blockNumber));
    roots.add(Ssz.uint64(gasLimit));
    roots.add(Ssz.uint64(gasUsed));
    roots.add(Ssz.uint64(timestamp));
    roots.add(Ssz.byteList(extraData, preset.maxExtraDataBytes(), "extra_data"));
    roots.add(Ssz.uint256(baseFeePerGas));
    roots.add(blockHash);
    roots.add(transactionsRoot);
    if (fork.hasWithdrawals()) {
      roots.add(withdrawalsRoot);
    }
    if (fork.hasBlobs()) {
      roots.add(Ssz.uint64(blobGasUsed));
      roots.add(Ssz.uint64(excessBlobGas));
    }
    return Ssz.container(roots.toArray(Bytes32[]::new));
  }
}
