package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Preset;
import java.util.Objects;

/** @param withdrawalsRoot ignored before Capella */
public record ExecutionPayloadHeader(ExecutionPayloadFields fields, Bytes32 transactionsRoot, Bytes32 withdrawalsRoot)
    implements ExecutionPayloadContent {
  public ExecutionPayloadHeader {
    Objects.requireNonNull(fields, "fields");
    Objects.requireNonNull(transactionsRoot, "transactionsRoot");
    Objects.requireNonNull(withdrawalsRoot, "withdrawalsRoot");
  }

  @Override
  public Bytes32 hashTreeRoot(Fork fork, Preset preset) {
    return fields.hashTreeRoot(fork, preset, transactionsRoot, withdrawalsRoot);
  }
}
