package dev.palisade.policy;

import java.time.Instant;

/** One stored version of one target's document (the history). */
public record PolicyVersion(long version, PolicyTarget target, String text, Instant createdAt, String createdBy) {}
