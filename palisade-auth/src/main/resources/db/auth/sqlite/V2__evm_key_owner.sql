-- Owners of secp256k1 (EVM) keys, keyed by the lower-case 0x address. A table beside auth_key_owner
-- (BLS public keys) rather than mixed into it: readers of that table parse every row as a BLS key.
create table auth_evm_key_owner (
  address varchar(42) primary key,
  operator_id varchar(64) not null references auth_operator (operator_id),
  assigned_at_ms bigint not null
);
create index auth_evm_key_owner_operator on auth_evm_key_owner (operator_id);
