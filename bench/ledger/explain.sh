#!/usr/bin/env bash
# EXPLAIN ANALYZE of every /data/admin/* query shape over synthetic rows, on a throw-away PostgreSQL cluster with
# LedgerData's own migration applied. Usage: bench/ledger/explain.sh [mints] [holdings]   (defaults 1000000 100000)
# Runs as the postgres user (PostgreSQL refuses root); prints the plans, which services/LedgerData/README.md quotes,
# then the SQL latency (p50/p99, pgbench, one client, 10 s each) of the history page at offset 0 and offset 900.
set -euo pipefail
mints=${1:-1000000}
holdings=${2:-100000}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/ledger-explain.XXXXXX)
chown postgres "$dir"
port=$((20000 + RANDOM % 20000))
run() { runuser -u postgres -- "$@"; }
run "$bin/initdb" -D "$dir/data" -A trust >/dev/null
run "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=''" -l "$dir/log" -w start >/dev/null
trap 'run "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null; rm -rf "$dir"' EXIT
psql() { run "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q "$@"; }
psql -f "$root/services/LedgerData/Data/Migrations/0001_ledger.sql"
psql <<SQL
-- $mints mints over 50 tokens and 10,000 parties, one per block; as many burns; $holdings holdings on one token.
insert into history_events (block_hash, log_index, kind, instrument_id, party_id, command_hash, amount, base_amount, update_id, block_number, created_at, feed)
select md5(g::text || k), 0, k, 'token' || (g % 50), 'party' || (g % 10000), md5(g::text), '1.0', 1, md5(g::text), g,
       timestamptz '2026-01-01' + g * interval '1 second', ''
from generate_series(1, $mints) g, (values ('mint'), ('burn')) v(k);
insert into command_names select md5(g::text), 'cmd-' || g, 'operator' from generate_series(1, $mints, 2) g;
insert into holdings select 'token0', md5(g::text), 'party' || (g % 10000), '1.0', null, false from generate_series(1, $holdings) g;
insert into holding_snapshots values ('token0', '', 1, now(), 1);
vacuum analyze;
SQL
q() { echo "---- $1"; psql -c "explain (analyze, buffers, costs off, timing on) $2" | grep -v '^$'; }
page="select coalesce(n.command_id, e.command_hash), e.created_at, e.party_id, e.instrument_id, e.update_id, e.amount from history_events e left join command_names n on n.command_hash = e.command_hash"
order="order by e.created_at desc, e.block_number desc, e.log_index desc"
q "mints, offset 0"              "$page where e.kind = 'mint' $order limit 100 offset 0"
q "mints, offset 900"            "$page where e.kind = 'mint' $order limit 100 offset 900"
q "mints by instrument"          "$page where e.kind = 'mint' and e.instrument_id = 'token7' $order limit 100 offset 0"
q "mints by party"               "$page where e.kind = 'mint' and e.party_id = 'party42' $order limit 100 offset 0"
q "mints by party and instrument" "$page where e.kind = 'mint' and e.party_id = 'party42' and e.instrument_id = 'token42' $order limit 100 offset 0"
q "holdings, 100000 rows"        "select h.holding_cid, h.party_id, h.instrument_id, h.amount, h.locked from holdings h where true and h.instrument_id = 'token0' order by h.instrument_id, h.holding_cid limit 100000 offset 0"
q "holdings total"               "select count(*) from holdings h where true and h.instrument_id = 'token0'"
q "holdings by party"            "select h.holding_cid, h.party_id, h.instrument_id, h.amount, h.locked from holdings h where true and h.party_id = 'party42' order by h.instrument_id, h.holding_cid limit 100000 offset 0"

# p50/p99 of the history page's SQL, from pgbench's per-transaction log (microseconds in column 3).
for offset in 0 900; do
  echo "$page where e.kind = 'mint' $order limit 100 offset $offset;" > "$dir/page.sql"
  chown postgres "$dir/page.sql"
  (cd "$dir" && run "$bin/pgbench" -h "$dir" -p "$port" -U postgres -n -c 1 -T 10 -f "$dir/page.sql" -l --log-prefix="$dir/lat$offset" postgres >/dev/null)
  cat "$dir"/lat$offset* | awk '{print $3}' | sort -n | awk -v o="$offset" '{a[NR]=$1} END {printf "---- history page offset %s: %d runs, p50 %.2f ms, p99 %.2f ms\n", o, NR, a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000}'
done
