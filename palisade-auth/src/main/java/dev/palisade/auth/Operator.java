package dev.palisade.auth;

import java.time.Instant;

/** A tenant: it owns keys, and its identities see only its keys. */
public record Operator(OperatorId id, Instant createdAt) {}
