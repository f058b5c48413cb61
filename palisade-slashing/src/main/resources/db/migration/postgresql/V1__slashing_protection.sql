-- Slots and epochs (uint64) are stored as value XOR 2^63 in BIGINT columns: order-preserving,
-- so comparisons and MAX work in SQL, and every uint64 fits. See Uint64Column.java.
-- Portable to CockroachDB/YugabyteDB: no triggers, functions or advisory locks.

CREATE TABLE metadata (
  id INT PRIMARY KEY CHECK (id = 1),
  genesis_validators_root BYTEA NOT NULL CHECK (length(genesis_validators_root) = 32)
);

-- One row per validator: the watermarks every check reads and conditionally updates; updating
-- this row is what serialises concurrent checks for one validator, across instances.
CREATE TABLE validators (
  id BIGSERIAL PRIMARY KEY,
  public_key BYTEA NOT NULL UNIQUE CHECK (length(public_key) = 48),
  enabled BOOLEAN NOT NULL DEFAULT TRUE,
  block_slot BIGINT,
  block_root BYTEA,
  att_source BIGINT,
  att_target BIGINT,
  att_root BYTEA,
  CHECK ((att_source IS NULL) = (att_target IS NULL))
);

-- Full history, for audit and complete export. imported = from an interchange file (never
-- counts as an identical re-sign).
CREATE TABLE signed_blocks (
  id BIGSERIAL PRIMARY KEY,
  validator_id BIGINT NOT NULL REFERENCES validators (id),
  slot BIGINT NOT NULL,
  signing_root BYTEA,
  imported BOOLEAN NOT NULL,
  recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX signed_blocks_by_slot ON signed_blocks (validator_id, slot);

CREATE TABLE signed_attestations (
  id BIGSERIAL PRIMARY KEY,
  validator_id BIGINT NOT NULL REFERENCES validators (id),
  source_epoch BIGINT NOT NULL,
  target_epoch BIGINT NOT NULL,
  signing_root BYTEA,
  imported BOOLEAN NOT NULL,
  recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX signed_attestations_by_target ON signed_attestations (validator_id, target_epoch);
