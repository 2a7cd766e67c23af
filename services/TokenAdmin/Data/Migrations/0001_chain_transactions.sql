-- Every transaction the platform signs, recorded before it is broadcast (INonceStore). A crash between broadcast
-- and bookkeeping is recovered by resending these exact bytes, never by signing a second transaction.
create table chain_transactions (
    sender       text        not null,  -- lower-case 0x address of the signer
    nonce        bigint      not null check (nonce >= 0),
    hash         text        not null unique,
    raw          bytea       not null,
    status       text        not null default 'pending' check (status in ('pending', 'confirmed')),
    created_at   timestamptz not null,
    confirmed_at timestamptz,
    primary key (sender, nonce)
);
create index chain_transactions_pending on chain_transactions (sender, nonce) where status = 'pending';
