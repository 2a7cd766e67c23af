#!/usr/bin/env bash
# Starts a platform of its own (the built AppHost, its own data folder, a free gateway port), runs the LedgerData
# bench against it (Tokenizer.Bench.Ledger: ingest, holdings, history page), and stops the platform again.
#   dotnet build Tokenizer.sln -c Release && bench/ledger/run.sh [bench options, e.g. --output /tmp/ledger.md]
# The bench gets LedgerData's own RabbitMQ and database connection strings from that process's environment, passed
# through its environment (never printed or put on a command line), and LedgerData's pid for its memory.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../platform.sh
source "$root/bench/platform.sh"
start_platform ledger-bench
port=$PLATFORM_PORT

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
