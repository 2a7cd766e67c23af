#!/usr/bin/env bash
# Starts a platform of its own (the built AppHost, its own data folder, free ports), runs the self-service load run
# (bench/selfservice-load.mjs) against it --runs times, prints each run's report with the CPU every process under the
# AppHost spent per gateway write, and stops the platform again.
#   dotnet build Tokenizer.sln -c Release && bench/selfservice-run.sh [--runs 2] [--mints 200] [--rounds 4] [--concurrency 16,48]
#       [--trace-sample-ratio 0.1] [--out-dir /tmp/ss]
# The first run of a platform is its cold one (JIT, first deploys); later runs are warm.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=2 mints=200 rounds=4 concurrency=16,48 ratio="" out_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --mints) mints=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
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
start_platform selfservice-bench "${extra[@]}"
work=$PLATFORM_WORK port=$PLATFORM_PORT
out_dir=${out_dir:-$work/out}
mkdir -p "$out_dir"

chain=$(platform_chain_url)
echo "platform: up; chain $chain" >&2

# Gateway writes per run: a deploy, warm-up 5 + 20 mints and 10 + 32 deploys, then per concurrency level a deploy and its rounds.
levels=$(tr ',' '\n' <<<"$concurrency" | wc -l)
writes=$((1 + 5 + 20 + 10 + 32 + levels * (1 + mints * rounds)))
for run in $(seq 1 "$runs"); do
  sleep 10   # let the start (or the last run's tail work) settle
  # 20 s of the platform idle (empty blocks, pollers, telemetry export): its background cost, as CPU ms per second.
  python3 "$root/bench/cpu-by-process.py" snapshot 1 >"$work/idle.json"
  sleep 20
  python3 "$root/bench/cpu-by-process.py" snapshot 1 >"$work/before.json"
  load_before=$(cut -d' ' -f1 /proc/loadavg)
  node "$root/bench/selfservice-load.mjs" --gateway "http://127.0.0.1:$port" --chain "$chain" \
    --mints "$mints" --rounds "$rounds" --concurrency "$concurrency" --out "$out_dir/run-$run.md" >"$out_dir/run-$run.log" 2>&1
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
  grep -E "Mints per second|^\| [0-9]+ \| [0-9] \|" "$out_dir/run-$run.md" >&2 || true
done
cat "$out_dir"/run-*.md
