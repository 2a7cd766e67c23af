-- An event's key is (factory, block_number, log_index): on the canonical chain a block number and a log index name
-- one log, and the index never holds two chains at once (a rewind deletes every event above the common ancestor
-- before the blocks are read again, and only the lease holder writes). The block hash stays a column, checked against
-- the chain, but no longer keys a second index: the old key (factory, block_hash, log_index) served no query and was
-- the widest of the three indexes every indexed event paid for; the by-block index it duplicated becomes the key.
alter table monitor_events drop constraint monitor_events_pkey;
drop index if exists monitor_events_by_block;
alter table monitor_events add constraint monitor_events_pkey primary key (factory, block_number, log_index);
