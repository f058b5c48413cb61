package dev.palisade.vault.store;

/**
 * A KEK known to the store: which provider holds it and a non-secret locator (file name, token slot
 * and label, KMS key ARN), so a restarted process knows what to open for each record's kek id.
 */
public record KekRecord(String kekId, String provider, String descriptor, long createdAtMillis) {}
