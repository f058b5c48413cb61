-- Policy documents, shared rate counters and approvals. Times are epoch milliseconds.

-- One version number for the whole policy set: every document change bumps it, and every decision
-- names the version it was made under. Instances poll it to refresh their cached documents.
create table policy_revision (
  id integer primary key check (id = 1),
  revision bigint not null
);
insert into policy_revision (id, revision) values (1, 0);

-- Append-only history; the current document of a target is its row with the highest version.
-- An empty document (no rules) removes the target's policy.
create table policy_document (
  version bigint primary key,
  scope varchar(16) not null,
  target varchar(128) not null,
  document text not null,
  created_at_ms bigint not null,
  created_by varchar(128) not null
);
create index policy_document_target on policy_document (scope, target, version);

-- Shared counters (rate limits): one row per subject, counter and window, raised by a conditional
-- upsert so two instances can never together pass the limit.
create table policy_counter (
  subject varchar(128) not null,
  counter varchar(128) not null,
  window_id varchar(64) not null,
  total bigint not null,
  updated_at_ms bigint not null,
  primary key (subject, counter, window_id)
);
-- Rows of windows nobody counted in for longer than any window are pruned by updated_at_ms.
create index policy_counter_updated on policy_counter (updated_at_ms);

create table policy_approval (
  approval_id varchar(64) primary key,
  operator_id varchar(64) not null,
  requester varchar(64) not null,
  pubkey varchar(98) not null,
  signing_type varchar(64) not null,
  signing_root char(66) not null,
  required integer not null,
  status varchar(16) not null,
  summary varchar(512) not null,
  policy_version bigint not null,
  created_at_ms bigint not null,
  expires_at_ms bigint not null,
  closed_at_ms bigint
);
create index policy_approval_request on policy_approval (operator_id, pubkey, signing_root, status);

create table policy_approval_vote (
  approval_id varchar(64) not null references policy_approval (approval_id),
  approver varchar(64) not null,
  vote varchar(8) not null,
  at_ms bigint not null,
  primary key (approval_id, approver)
);
