package dev.palisade.vault.store;

import dev.palisade.vault.seal.OperatorId;

/** An operator and the KEK that wraps its new keys. */
public record OperatorRecord(OperatorId operator, String kekId, long createdAtMillis, long updatedAtMillis) {}
