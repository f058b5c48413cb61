-- An approver's TOTP second factor: the secret sealed under its operator's KEK (never in clear), when
-- the first valid code confirmed it, the last time step accepted (replay protection) and the wrong
-- codes in the current rate-limit window. One row per identity; an unconfirmed row requires nothing.
create table auth_identity_totp (
  identity_id varchar(64) primary key references auth_identity (identity_id),
  operator_id varchar(64) not null references auth_operator (operator_id),
  format_version integer not null,
  kek_id varchar(512) not null,
  wrapped_dek blob not null,
  secret_nonce blob not null,
  secret_ciphertext blob not null,
  created_at_ms bigint not null,
  confirmed_at_ms bigint,
  last_step bigint not null default -1,
  failures integer not null default 0,
  failure_window_start_ms bigint not null default 0
);
