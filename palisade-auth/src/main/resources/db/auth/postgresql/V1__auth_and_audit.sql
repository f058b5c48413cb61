-- Auth store: operators, identities, key ownership; and the hash-chained audit log.
-- Times are epoch milliseconds (bigint) so both dialects store, and the audit hash covers, exactly
-- the same value. Secrets are never stored: only SHA-256 hashes of generated 256-bit tokens.

-- Bumped by every change to identities or key ownership; instances poll it to refresh their cache.
create table auth_revision (
  id integer primary key check (id = 1),
  revision bigint not null
);
insert into auth_revision (id, revision) values (1, 0);

create table auth_operator (
  operator_id varchar(64) primary key,
  created_at_ms bigint not null
);

create table auth_identity (
  identity_id varchar(64) primary key,
  operator_id varchar(64) not null references auth_operator (operator_id),
  identity_type varchar(16) not null,
  scopes varchar(512) not null,
  key_restricted integer not null,
  cert_sha256 char(64),
  ca_sha256 char(64),
  subject_dn varchar(1024),
  secret_sha256 char(64),
  created_at_ms bigint not null,
  revoked_at_ms bigint
);
-- One active identity per certificate (or CA + subject); a revoked one frees it for re-issue.
create unique index auth_identity_cert on auth_identity (cert_sha256)
  where revoked_at_ms is null and cert_sha256 is not null;
create unique index auth_identity_ca_subject on auth_identity (ca_sha256, subject_dn)
  where revoked_at_ms is null and ca_sha256 is not null;
create unique index auth_identity_secret on auth_identity (secret_sha256)
  where secret_sha256 is not null;

create table auth_identity_cidr (
  identity_id varchar(64) not null references auth_identity (identity_id),
  cidr varchar(64) not null,
  primary key (identity_id, cidr)
);

create table auth_identity_key (
  identity_id varchar(64) not null references auth_identity (identity_id),
  pubkey varchar(98) not null,
  primary key (identity_id, pubkey)
);

create table auth_key_owner (
  pubkey varchar(98) primary key,
  operator_id varchar(64) not null references auth_operator (operator_id),
  assigned_at_ms bigint not null
);
create index auth_key_owner_operator on auth_key_owner (operator_id);

-- Append-only; row_hash = SHA-256(canonical encoding of the row's fields and prev_hash).
-- seq as primary key: two appenders that somehow computed the same next row cannot both insert it.
create table audit_log (
  seq bigint primary key,
  at_ms bigint not null,
  identity_id varchar(64),
  operator_id varchar(64),
  pubkey varchar(98),
  signing_type varchar(64),
  slot bigint,
  epoch bigint,
  decision varchar(8) not null,
  reason varchar(1024) not null,
  prev_hash char(64) not null,
  row_hash char(64) not null
);

-- The chain's head; appenders lock this row so appends serialise across instances.
create table audit_head (
  id integer primary key check (id = 1),
  last_seq bigint not null,
  last_hash char(64) not null
);
insert into audit_head (id, last_seq, last_hash)
  values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
