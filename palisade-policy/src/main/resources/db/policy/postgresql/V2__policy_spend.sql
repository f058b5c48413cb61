-- Rolling-window value limits (EVM value and ERC-20 amounts). Times are epoch milliseconds.

-- One row per subject and counter, upserted first by every check: on PostgreSQL its row lock
-- serialises the instances per counter; on SQLite the write takes the database write lock.
create table policy_spend_lock (
  subject varchar(128) not null,
  counter varchar(128) not null,
  updated_at_ms bigint not null,
  primary key (subject, counter)
);
create index policy_spend_lock_updated on policy_spend_lock (updated_at_ms);

-- Every accepted spend (amount in the counter's units); a check sums those after now minus the window.
-- Spends older than the longest window are pruned by at_ms.
create table policy_spend (
  subject varchar(128) not null,
  counter varchar(128) not null,
  at_ms bigint not null,
  amount bigint not null
);
create index policy_spend_window on policy_spend (subject, counter, at_ms);
create index policy_spend_at on policy_spend (at_ms);
