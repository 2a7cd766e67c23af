#!/usr/bin/env bash
# Starts a platform of its own (the built AppHost, its own data folder, a free gateway port), runs the LedgerData
# bench against it (Tokenizer.Bench.Ledger: ingest, holdings, history page), and stops the platform again.
#   dotnet build Tokenizer.sln -c Release && bench/ledger/run.sh [bench options, e.g. --output /tmp/ledger.md]
# The bench gets LedgerData's own RabbitMQ and database connection strings from that process's environment, passed
# through its environment (never printed or put on a command line), and LedgerData's pid for its memory.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/ledger-bench.XXXXXX)
chmod 755 "$work"   # PostgreSQL runs as the postgres user and must reach its cluster inside
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
log="$work/apphost.log"
# What the launch profile "http" sets, on free ports: other platforms on this machine hold the profile's 18888-18890.
DOTNET_ENVIRONMENT=Development ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
ASPNETCORE_URLS="http://127.0.0.1:$(free_port)" \
ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$(free_port)" \
ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://127.0.0.1:$(free_port)" \
  dotnet "$root/Tokenizer.AppHost/bin/Release/net10.0/Tokenizer.AppHost.dll" --data-dir "$work/platform" --gateway-port "$port" >"$log" 2>&1 &
apphost=$!
# SIGTERM, not SIGINT: a background job of a script starts with SIGINT ignored, and .NET keeps it ignored.
stop() {
  kill -TERM "$apphost" 2>/dev/null || true
  wait "$apphost" 2>/dev/null || true
  [ -n "${KEEP_BENCH_DATA:-}" ] || rm -rf "$work"
}
trap stop EXIT

echo "platform: starting in $work, gateway port $port" >&2
for _ in $(seq 1 900); do
  grep -qs "Tokenizer is up" "$log" && break
  kill -0 "$apphost" 2>/dev/null || { echo "the AppHost exited; its log:" >&2; head -40 "$log" >&2; exit 1; }
  sleep 1
done
grep -qs "Tokenizer is up" "$log" || { echo "the platform did not come up in 15 minutes" >&2; exit 1; }

# This worktree's LedgerData, started by this AppHost (the only platform running from this worktree).
service="$root/services/LedgerData/bin/Release/net10.0/Tokenizer.LedgerData"
pid=""
for candidate in $(pgrep -f "^$service" || true); do
  if tr '\0' '\n' <"/proc/$candidate/environ" 2>/dev/null | grep -q '^ConnectionStrings__ledgerdatadb='; then pid=$candidate; fi
done
[ -n "$pid" ] || { echo "LedgerData's process was not found" >&2; exit 1; }
while IFS= read -r line; do export "${line?}"; done < <(tr '\0' '\n' <"/proc/$pid/environ" | grep -E '^ConnectionStrings__(rabbitmq|ledgerdatadb)=')

echo "platform: up; LedgerData is pid $pid" >&2
dotnet "$root/bench/ledger/bin/Release/net10.0/Tokenizer.Bench.Ledger.dll" --gateway "http://127.0.0.1:$port" --ledgerdata-pid "$pid" "$@"
