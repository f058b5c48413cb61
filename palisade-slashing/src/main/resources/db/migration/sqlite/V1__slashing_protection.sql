-- Slots and epochs (uint64) are stored as value XOR 2^63 in signed 64-bit INTEGER columns:
-- order-preserving, so comparisons and MAX work in SQL. See Uint64Column.java.

CREATE TABLE metadata (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  genesis_validators_root BLOB NOT NULL CHECK (length(genesis_validators_root) = 32)
);

-- One row per validator: the watermarks every check reads and every recording updates.
CREATE TABLE validators (
  id INTEGER PRIMARY KEY,
  public_key BLOB NOT NULL UNIQUE CHECK (length(public_key) = 48),
  enabled BOOLEAN NOT NULL DEFAULT TRUE,
  block_slot INTEGER,
  block_root BLOB,
  att_source INTEGER,
  att_target INTEGER,
  att_root BLOB,
  CHECK ((att_source IS NULL) = (att_target IS NULL))
);

-- Full history, for audit and complete export. imported = from an interchange file (never
-- counts as an identical re-sign).
CREATE TABLE signed_blocks (
  id INTEGER PRIMARY KEY,
  validator_id INTEGER NOT NULL REFERENCES validators (id),
  slot INTEGER NOT NULL,
  signing_root BLOB,
  imported BOOLEAN NOT NULL,
  recorded_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX signed_blocks_by_slot ON signed_blocks (validator_id, slot);

CREATE TABLE signed_attestations (
  id INTEGER PRIMARY KEY,
  validator_id INTEGER NOT NULL REFERENCES validators (id),
  source_epoch INTEGER NOT NULL,
  target_epoch INTEGER NOT NULL,
  signing_root BLOB,
  imported BOOLEAN NOT NULL,
  recorded_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX signed_attestations_by_target ON signed_attestations (validator_id, target_epoch);
