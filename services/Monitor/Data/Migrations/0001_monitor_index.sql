-- The Monitor's index of the chain. Every table is keyed by the factory address (lower-case hex): a second
-- platform sharing this database (another factory on another chain) keeps its own cursor, blocks and events.

-- One row per factory: how far the chain is indexed and how far final history went out.
create table if not exists monitor_cursors (
    factory          text        primary key,
    chain_id         bigint      not null,
    start_block      bigint      not null,
    -- last block whose logs are stored
    indexed_block    bigint      not null,
    -- last block whose final mint/burn events were put in the history feed
    published_block  bigint      not null,
    next_sequence    bigint      not null default 1,
    last_scan_id     bigint      not null default 0,
    reorgs_total     bigint      not null default 0,
    updated_at       timestamptz not null default now()
);

-- Hashes of the stored blocks (every block with a stored event, and the tip of every batch): compared with the
-- chain's to find a reorganisation and its common ancestor.
create table if not exists monitor_blocks (
    factory      text        not null,
    number       bigint      not null,
    hash         text        not null,
    block_time   timestamptz,
    primary key (factory, number)
);

-- Tokens the factory deployed, learned from its TokenDeployed events (removed with their block on a reorg).
create table if not exists monitor_tokens (
    factory        text    not null,
    address        text    not null,
    kind           text    not null,
    decimals       integer not null,
    permissionless boolean not null,
    deploy_block   bigint  not null,
    primary key (factory, address)
);

-- Every indexed event of a platform token. kind: transfer, mint, burn, paused, transfers_locked, frozen, approved.
-- amount: ERC20 value, ERC721 token id (transfer) or count (mint/burn); flag: the control's new value.
create table if not exists monitor_events (
    factory       text    not null,
    block_number  bigint  not null,
    block_hash    text    not null,
    log_index     integer not null,
    tx_hash       text    not null,
    token         text    not null,
    kind          text    not null,
    from_addr     text,
    to_addr       text,
    amount        numeric(78, 0),
    -- ERC721 mint/burn: the token ids, comma-separated decimals
    token_ids     text,
    command_hash  text,
    flag          boolean,
    primary key (factory, block_hash, log_index)
);
create index if not exists monitor_events_by_block on monitor_events (factory, block_number, log_index);
create index if not exists monitor_events_by_token on monitor_events (factory, token, kind);

-- Every history batch as published, kept so a consumer that missed some can ask for a replay.
create table if not exists monitor_history_batches (
    factory    text   not null,
    sequence   bigint not null,
    body       jsonb  not null,
    primary key (factory, sequence)
);
