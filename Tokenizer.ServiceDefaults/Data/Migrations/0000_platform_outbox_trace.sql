-- The W3C traceparent of the request that wrote the row, so its publish continues that trace.
alter table outbox_messages add column if not exists trace_parent text;
