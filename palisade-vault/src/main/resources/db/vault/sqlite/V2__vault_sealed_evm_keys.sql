-- Sealed secp256k1 (EVM) keys: the same envelope as vault_sealed_keys, keyed by the 20-byte address.
-- A table of their own rather than a type column: the primary key differs in kind and length.
CREATE TABLE vault_sealed_evm_keys (
  address         BLOB   PRIMARY KEY,  -- 20-byte account address
  operator_id     TEXT    NOT NULL,
  format_version  INTEGER NOT NULL,
  kek_id          TEXT    NOT NULL,
  wrapped_dek     BLOB   NOT NULL,
  key_nonce       BLOB   NOT NULL,
  key_ciphertext  BLOB   NOT NULL,
  created_at      BIGINT  NOT NULL
);

CREATE INDEX vault_sealed_evm_keys_by_operator ON vault_sealed_evm_keys (operator_id, address);
