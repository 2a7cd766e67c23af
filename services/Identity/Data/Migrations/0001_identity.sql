-- Accounts, API keys, operator clients and the JWT signing keys of the Identity service.
create table users (
    id             uuid        primary key,
    email          text        not null,
    password_hash  text        not null,
    plan           text        not null default 'BASIC' check (plan in ('BASIC', 'PRO', 'PRO_PLUS')),
    role           text        not null default 'user' check (role in ('user', 'operator')),
    wallet_address text,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);
-- E-mails are compared case-insensitively; the index is what makes concurrent sign-ups with one e-mail a 409.
create unique index users_email_lower_key on users (lower(email));

create table api_keys (
    id         uuid        primary key,
    user_id    uuid        not null references users (id),
    name       text,
    -- SHA-256 (hex) of the whole key; the key itself is never stored.
    key_hash   text        not null unique,
    key_prefix text        not null,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);
create index api_keys_user_created on api_keys (user_id, created_at);

create table operator_clients (
    client_id   text        primary key,
    secret_hash text        not null,
    created_at  timestamptz not null default now(),
    disabled_at timestamptz
);

-- ES256 signing keys. A key signs from activates_at until the next key activates, and stays published in the
-- JWKS until the last token it signed has expired.
create table signing_keys (
    kid          text        primary key,
    private_key  bytea       not null,
    created_at   timestamptz not null default now(),
    activates_at timestamptz not null
);
create index signing_keys_activates on signing_keys (activates_at);
