package dev.palisade.eth2.types;

import dev.palisade.eth2.Bytes32;
import dev.palisade.eth2.Fork;
import dev.palisade.eth2.Preset;

/**
 * A block body's execution payload, either in full or blinded to its header: both have the same
 * hash_tree_root, which is why a blinded block signs the same as the full one.
 */
public sealed interface ExecutionPayloadContent permits ExecutionPayload, ExecutionPayloadHeader {
  ExecutionPayloadFields fields();

  Bytes32 hashTreeRoot(Fork fork, Preset preset);
}
