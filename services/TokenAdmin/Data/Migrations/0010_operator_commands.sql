-- Operator mint and burn commands (POST /api/admin/mint|burn). command_id is unique across both kinds; body_hash is
-- the hash of the normalised body, so a repeat with the same body answers the same and a different one is a 409.
-- factory scopes a command to one deployment: a second AppHost sharing this database never executes ours.
create table operator_commands (
    command_id     text        primary key,
    command_hash   text        not null,  -- bytes32 on chain: keccak256(utf8(command_id)), 0x hex
    kind           text        not null check (kind in ('mint', 'burn')),
    factory        text        not null,  -- lower-case 0x address of the factory of the deployment that accepted it
    instrument_id  text        not null,  -- EIP-55
    token_kind     text        not null check (token_kind in ('erc20', 'erc721')),
    party_id       text        not null,  -- EIP-55
    amount         text        not null,  -- normalised decimal token units (ERC721: a count)
    base_units     numeric(78, 0) not null check (base_units > 0),
    body_hash      text        not null,
    status         text        not null default 'submitted' check (status in ('submitted', 'sent', 'confirmed', 'failed')),
    attempts       integer     not null default 0,
    tx_nonce       bigint,
    -- every hash the command's transaction ever had (a fee bump replaces it with the same nonce); any one may land
    tx_hashes      text[]      not null default '{}',
    update_id      text,
    block_number   bigint,
    failure_reason text,
    created_at     timestamptz not null default now(),
    sent_at        timestamptz,
    updated_at     timestamptz not null default now(),
    completed_at   timestamptz
);
create index operator_commands_open on operator_commands (factory, status, created_at) where status in ('submitted', 'sent');
create index operator_commands_listing on operator_commands (created_at desc, command_id);
