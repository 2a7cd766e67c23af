#!/usr/bin/env bash
# Starts a platform of its own (the built AppHost, its own data folder, free ports), runs the operator command load
# run (bench/operator-load.mjs) against it --runs times, prints each run's report with the CPU every process on the
# machine spent per accepted command, and stops the platform again.
#   dotnet build Tokenizer.sln -c Release && bench/operator-run.sh [--runs 1] [--mints 1000] [--accepts 200]
#       [--concurrency 64] [--rounds 2] [--serial 50] [--trace-sample-ratio 0.1] [--out-dir /tmp/op]
# The first run of a platform is its cold one (JIT, first commands); later runs are warm.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=1 mints=1000 accepts=200 concurrency=64 rounds=2 serial=50 ratio="" out_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --mints) mints=$2; shift 2 ;;
    --accepts) accepts=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --serial) serial=$2; shift 2 ;;
    --trace-sample-ratio) ratio=$2; shift 2 ;;
    --out-dir) out_dir=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=platform.sh
source "$root/bench/platform.sh"
extra=()
[ -z "$ratio" ] || extra=(--trace-sample-ratio "$ratio")
echo "trace sample ratio ${ratio:-1 (default)}" >&2
start_platform operator-bench "${extra[@]}"
work=$PLATFORM_WORK port=$PLATFORM_PORT
out_dir=${out_dir:-$work/out}
mkdir -p "$out_dir"
chain=$(platform_chain_url)
tokenadmin=$(platform_service_url TokenAdmin)
echo "platform: up; chain $chain, TokenAdmin $tokenadmin" >&2

# Accepted commands per run: warm-up 10, the throughput mints, per round and path a warm-up of --concurrency and
# --accepts, then --serial per path.
commands=$((10 + mints + rounds * 2 * (concurrency + accepts) + 2 * serial))
for run in $(seq 1 "$runs"); do
  sleep 10   # let the start (or the last run's tail work) settle
  python3 "$root/bench/cpu-by-process.py" snapshot 1 >"$work/before.json"
  load_before=$(cut -d' ' -f1 /proc/loadavg)
  node "$root/bench/operator-load.mjs" --gateway "http://127.0.0.1:$port" --tokenadmin "$tokenadmin" --chain "$chain" \
    --mints "$mints" --accepts "$accepts" --concurrency "$concurrency" --rounds "$rounds" --serial "$serial" \
    --out "$out_dir/run-$run.md" >"$out_dir/run-$run.log" 2>&1
  python3 "$root/bench/cpu-by-process.py" snapshot 1 >"$work/after.json"
  {
    echo
    echo "Run $run of $runs on one platform (trace sample ratio ${ratio:-1}); load average $load_before before, $(cut -d' ' -f1 /proc/loadavg) after."
    echo "CPU per accepted command ($commands commands, each executed and confirmed), every process on the machine"
    echo "(load = the load process, which also signs and sends the raw baseline):"
    echo
    python3 "$root/bench/cpu-by-process.py" diff "$work/before.json" "$work/after.json" "$commands" "ms per command"
  } >>"$out_dir/run-$run.md"
  grep -E "Ratio|p99: " "$out_dir/run-$run.md" >&2 || true
done
cat "$out_dir"/run-*.md
