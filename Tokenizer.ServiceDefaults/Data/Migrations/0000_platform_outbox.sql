-- Platform tables every service gets (from Tokenizer.ServiceDefaults): the transactional outbox and the
-- consumer inbox. The outbox row is written in the same transaction as the state change it announces.
create table if not exists outbox_messages (
    sequence      bigint generated always as identity primary key,
    message_id    uuid        not null unique,
    message_type  text        not null,
    body          jsonb       not null,
    created_at    timestamptz not null default now(),
    dispatched_at timestamptz,
    attempts      integer     not null default 0,
    last_error    text,
    -- set when a row can never be published (its type no longer exists); kept for an operator to inspect
    parked_at     timestamptz
);
create index if not exists outbox_messages_pending on outbox_messages (sequence) where dispatched_at is null and parked_at is null;

-- A consumer records each message id it has handled in the same transaction as its effect, so a redelivery
-- (at-least-once broker, outbox resend after a crash) changes nothing the second time.
create table if not exists inbox_messages (
    consumer     text        not null,
    message_id   uuid        not null,
    processed_at timestamptz not null default now(),
    primary key (consumer, message_id)
);
