-- LedgerData: the confirmed mint/burn history and the latest holdings snapshot per token, fed by the Monitor's
-- feeds over RabbitMQ. Addresses are stored EIP-55 (queries normalise their filters the same way).

-- Tokens LedgerData has heard of (TokenDeployed, history, holdings): an instrument_id filter naming none is a 404.
create table if not exists instruments (
    instrument_id text primary key,
    token_type    text not null,
    decimals      integer not null
);

-- One row per feed (a factory's Monitor): the last batch applied, so a redelivered or older batch is ignored and a
-- gap is seen. Locked (for update) by every batch of the feed, which serialises competing consumers.
create table if not exists history_feeds (
    feed                text primary key,
    last_sequence       bigint not null default 0,
    replay_requested_at timestamptz
);

-- Batches that arrived ahead of a gap, held until the missing ones arrive (then applied in order and deleted).
create table if not exists history_pending_batches (
    feed        text not null,
    sequence    bigint not null,
    body        jsonb not null,
    received_at timestamptz not null default now(),
    primary key (feed, sequence)
);

-- One row per confirmed Minted or Burned event (an ERC721 event is one row with the count of its token ids).
-- The event's chain identity (block hash, log index) is the key: the same event published twice, by a replay or
-- by two feeds, is one row, and a reorganisation's removal names exactly it.
create table if not exists history_events (
    block_hash    text not null,
    log_index     integer not null,
    kind          text not null check (kind in ('mint', 'burn')),
    instrument_id text not null,
    party_id      text not null,
    command_hash  text not null,
    amount        text not null,
    base_amount   numeric(78, 0) not null,
    token_ids     text[],
    update_id     text not null,
    block_number  bigint not null,
    created_at    timestamptz not null,
    feed          text not null,
    primary key (block_hash, log_index)
);
-- Newest first, optionally by instrument or party: each query shape reads its index in order and stops at
-- offset + limit (EXPLAIN ANALYZE in services/LedgerData/README.md).
create index if not exists history_events_newest on history_events (kind, created_at desc, block_number desc, log_index desc);
create index if not exists history_events_by_instrument on history_events (kind, instrument_id, created_at desc, block_number desc, log_index desc);
create index if not exists history_events_by_party on history_events (kind, party_id, created_at desc, block_number desc, log_index desc);

-- The caller's command id string for a bytes32 seen on chain (CommandSubmitted), joined at read time so the
-- answer is right whichever of the two arrives first.
create table if not exists command_names (
    command_hash text primary key,
    command_id   text not null,
    source       text not null
);

-- The snapshot each token's holdings come from; replaced with its rows in one transaction.
create table if not exists holding_snapshots (
    instrument_id text primary key,
    feed          text not null,
    scan_id       bigint not null,
    scanned_at    timestamptz not null,
    block_number  bigint not null
);

create table if not exists holdings (
    instrument_id text not null,
    holding_cid   text not null,
    party_id      text not null,
    amount        text not null,
    token_id      text,
    locked        boolean not null,
    primary key (instrument_id, holding_cid)
);
create index if not exists holdings_by_party on holdings (party_id, instrument_id, holding_cid);
