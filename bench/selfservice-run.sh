#!/usr/bin/env bash
# Starts a platform of its own (the built AppHost, its own data folder, free ports), runs the self-service load run
# (bench/selfservice-load.mjs) against it --runs times, prints each run's report with the CPU every process under the
# AppHost spent per gateway write, and stops the platform again.
#   dotnet build Tokenizer.sln -c Release && bench/selfservice-run.sh [--runs 2] [--mints 200] [--rounds 4]
#       [--trace-sample-ratio 0.1] [--out-dir /tmp/ss]
# The first run of a platform is its cold one (JIT, first deploys); later runs are warm.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=2 mints=200 rounds=4 ratio="" out_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --mints) mints=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --trace-sample-ratio) ratio=$2; shift 2 ;;
    --out-dir) out_dir=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d /tmp/selfservice-bench.XXXXXX)
chmod 755 "$work"   # PostgreSQL runs as the postgres user and must reach its cluster inside
out_dir=${out_dir:-$work/out}
mkdir -p "$out_dir"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
log="$work/apphost.log"
extra=()
[ -z "$ratio" ] || extra=(--trace-sample-ratio "$ratio")
# What the launch profile "http" sets, on free ports: another platform on this machine may hold 18888-18890.
DOTNET_ENVIRONMENT=Development ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
ASPNETCORE_URLS="http://127.0.0.1:$(free_port)" \
ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$(free_port)" \
ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://127.0.0.1:$(free_port)" \
  dotnet "$root/Tokenizer.AppHost/bin/Release/net10.0/Tokenizer.AppHost.dll" --data-dir "$work/platform" --gateway-port "$port" "${extra[@]}" >"$log" 2>&1 &
apphost=$!
# SIGTERM, not SIGINT: a background job of a script starts with SIGINT ignored, and .NET keeps it ignored.
stop() {
  kill -TERM "$apphost" 2>/dev/null || true
  wait "$apphost" 2>/dev/null || true
  [ -n "${KEEP_BENCH_DATA:-}" ] || rm -rf "$work/platform"
}
trap stop EXIT

echo "platform: starting in $work, gateway port $port, trace sample ratio ${ratio:-1 (default)}" >&2
for _ in $(seq 1 900); do
  grep -qs "Tokenizer is up" "$log" && break
  kill -0 "$apphost" 2>/dev/null || { echo "the AppHost exited; its log:" >&2; head -40 "$log" >&2; exit 1; }
  sleep 1
done
grep -qs "Tokenizer is up" "$log" || { echo "the platform did not come up in 15 minutes" >&2; exit 1; }

# This AppHost's anvil: the one whose state file is in this platform's data folder.
chain=""
for candidate in $(pgrep -x anvil || true); do
  args=$(tr '\0' ' ' <"/proc/$candidate/cmdline" 2>/dev/null || true)
  case "$args" in
    *"$work/platform"*) chain="http://127.0.0.1:$(sed -n 's/.*--port \([0-9]*\).*/\1/p' <<<"$args")" ;;
  esac
done
[ -n "$chain" ] || { echo "this platform's anvil was not found" >&2; exit 1; }
echo "platform: up; chain $chain" >&2

# Gateway writes per run: warm-up 5 + 20 mints and 10 + 32 deploys, then the concurrency-16 rounds.
writes=$((5 + 20 + 10 + 32 + mints * rounds))
for run in $(seq 1 "$runs"); do
  sleep 10   # let the start (or the last run's tail work) settle
  # 20 s of the platform idle (empty blocks, pollers, telemetry export): its background cost, as CPU ms per second.
  python3 "$root/bench/cpu-by-process.py" snapshot 1 >"$work/idle.json"
  sleep 20
  python3 "$root/bench/cpu-by-process.py" snapshot 1 >"$work/before.json"
  load_before=$(cut -d' ' -f1 /proc/loadavg)
  node "$root/bench/selfservice-load.mjs" --gateway "http://127.0.0.1:$port" --chain "$chain" \
    --mints "$mints" --rounds "$rounds" --out "$out_dir/run-$run.md" >"$out_dir/run-$run.log" 2>&1
  python3 "$root/bench/cpu-by-process.py" snapshot 1 >"$work/after.json"
  {
    echo
    echo "Run $run of $runs on one platform (trace sample ratio ${ratio:-1}); load average $load_before before, $(cut -d' ' -f1 /proc/loadavg) after."
    echo "CPU per gateway write ($writes writes), every process on the machine (load = the load process):"
    echo
    python3 "$root/bench/cpu-by-process.py" diff "$work/before.json" "$work/after.json" "$writes" "ms per write"
    echo
    echo "Idle for the 20 s before the run, CPU ms per second:"
    echo
    python3 "$root/bench/cpu-by-process.py" diff "$work/idle.json" "$work/before.json" 20 "ms per second"
  } >>"$out_dir/run-$run.md"
  grep -E "Sustained|^\| [0-9] \|" "$out_dir/run-$run.md" >&2 || true
done
cat "$out_dir"/run-*.md
