-- Replacement transactions (same nonce, higher fees) of operator commands whose transaction was not mined in time.
-- chain_transactions keeps one row per nonce (the first signed), so the replacements' signed bytes live here,
-- stored before they are broadcast, like every other transaction the platform signs.
create table operator_command_replacements (
    hash        text        primary key,
    command_id  text        not null references operator_commands (command_id),
    sender      text        not null,
    nonce       bigint      not null,
    raw         bytea       not null,
    created_at  timestamptz not null default now()
);
create index operator_command_replacements_by_sender on operator_command_replacements (sender, nonce);
