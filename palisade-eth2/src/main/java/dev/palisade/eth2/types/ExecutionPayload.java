package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes;
import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Preset;
import dev.palisade.eth2.ssz.Ssz;
import java.util.List;
import java.util.Objects;

/** @param withdrawals empty before Capella */
public record ExecutionPayload(ExecutionPayloadFields fields, List<Bytes> transactions, List<Withdrawal> withdrawals)
    implements ExecutionPayloadContent {
  public ExecutionPayload {
    Objects.requireNonNull(fields, "fields");
    transactions = List.copyOf(transactions);
    withdrawals = List.copyOf(withdrawals);
  }

  public Bytes32 transactionsRoot(Preset preset) {
    return Ssz.list(
        transactions,
        preset.maxTransactionsPerPayload(),
        tx -> Ssz.byteList(tx, preset.maxBytesPerTransaction(), "transaction"),
        "transactions");
  }

  public Bytes32 withdrawalsRoot(Preset preset) {
    return Ssz.list(withdrawals, preset.maxWithdrawalsPerPayload(), Withdrawal::hashTreeRoot, "withdrawals");
  }

  @Override
  public Bytes32 hashTreeRoot(Fork fork, Preset preset) {
    return fields.hashTreeRoot(
        fork, preset, transactionsRoot(preset), fork.hasWithdrawals() ? withdrawalsRoot(preset) : null);
  }

  /** The blinded form, as a builder or a blinded block carries it. */
  public ExecutionPayloadHeader toHeader(Preset preset) {
    return new ExecutionPayloadHeader(fields, transactionsRoot(preset), withdrawalsRoot(preset));
  }
}
