-- Self-service state. Several platforms may share this database (each with its own chain, signer and factory), so
-- everything that names a token is scoped by the factory it was deployed through.

-- Each account's plan as Identity last announced it (UserRegistered, PlanChanged); the JWT's plan claim stands in
-- until the first event arrives.
create table accounts (
    user_id         uuid        primary key,
    plan            text        not null,
    plan_changed_at timestamptz not null
);

-- Quota units taken per account and calendar month (UTC). "used" moves only through single-row updates guarded by
-- the limit, so concurrent reservations cannot overshoot.
create table quota_usage (
    user_id uuid not null,
    period  date not null,  -- first day of the month (UTC)
    used    int  not null default 0 check (used >= 0),
    primary key (user_id, period)
);

create table tokens (
    address        text        primary key,  -- EIP-55
    factory        text        not null,     -- lower-case 0x factory it was deployed through
    kind           text        not null check (kind in ('ERC20', 'ERC721')),
    name           text        not null,
    symbol         text        not null,
    decimals       int         not null,
    permissionless boolean     not null,
    base_uri       text,
    creator        uuid        not null,
    owner          text        not null,     -- EIP-55: the contract's owner()
    salt           text        not null,
    deploy_tx      text        not null,
    created_at     timestamptz not null default now()
);
create index tokens_by_creator on tokens (factory, creator, created_at desc);

-- Self-service mints, recorded (with CommandSubmitted in the outbox) before the transaction is sent.
create table self_service_mints (
    token        text        not null,
    command_id   text        not null,
    command_hash text        not null,
    recipient    text        not null,
    amount       text        not null,
    status       text        not null default 'submitted' check (status in ('submitted', 'succeeded', 'failed')),
    tx_hash      text,
    created_at   timestamptz not null default now(),
    primary key (token, command_id)
);

-- Idempotency-Key of every self-service POST/PUT: the first request's fingerprint and, once it succeeded, its answer.
create table idempotency_keys (
    user_id      uuid        not null,
    key          text        not null,
    request_hash text        not null,
    status_code  int,                     -- null while the first request is in flight
    response     text,
    created_at   timestamptz not null default now(),
    primary key (user_id, key)
);
