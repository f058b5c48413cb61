-- Sealed BLS keys and the KEKs that wrap their data keys. Nothing here is secret on its own:
-- every key is AES-256-GCM ciphertext under a data key that only its KEK can unwrap.

CREATE TABLE vault_keks (
  kek_id        TEXT    PRIMARY KEY,
  provider      TEXT    NOT NULL,   -- sealed-file | pkcs11 | aws-kms
  descriptor    TEXT    NOT NULL,   -- non-secret locator: file name, token slot and label, KMS key ARN
  created_at    BIGINT  NOT NULL    -- epoch milliseconds
);

CREATE TABLE vault_operators (
  operator_id   TEXT    PRIMARY KEY,
  kek_id        TEXT    NOT NULL,   -- the KEK new keys of this operator are wrapped with
  created_at    BIGINT  NOT NULL,
  updated_at    BIGINT  NOT NULL
);

CREATE TABLE vault_sealed_keys (
  pubkey          BYTEA   PRIMARY KEY,  -- 48-byte compressed BLS public key
  operator_id     TEXT    NOT NULL,
  format_version  INTEGER NOT NULL,
  kek_id          TEXT    NOT NULL,
  wrapped_dek     BYTEA   NOT NULL,
  key_nonce       BYTEA   NOT NULL,
  key_ciphertext  BYTEA   NOT NULL,
  created_at      BIGINT  NOT NULL,
  updated_at      BIGINT  NOT NULL
);

CREATE INDEX vault_sealed_keys_by_operator ON vault_sealed_keys (operator_id, pubkey);
CREATE INDEX vault_sealed_keys_by_kek ON vault_sealed_keys (kek_id);
