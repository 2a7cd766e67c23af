#!/usr/bin/env bash
# Runs the Tokenizer.Chain benchmarks (BenchmarkDotNet, short in-process job) beside Nethereum 6.1, the ethers v6
# signing benchmark, and pipelined transfers to a private anvil, in one go; prints ops/s and the same-run ratios,
# and writes bench/RESULTS.md. Takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
anvil_pid=""
trap '[ -n "$anvil_pid" ] && kill "$anvil_pid" 2>/dev/null; rm -rf "$out"' EXIT

echo "== building (Release)"
dotnet build -c Release bench/Tokenizer.Chain.Benchmarks -v quiet -nologo >/dev/null
echo "== sanity: Nethereum signs the same bytes and decodes the same values as ours"
dotnet bench/Tokenizer.Chain.Benchmarks/bin/Release/net10.0/Tokenizer.Chain.Benchmarks.dll --sanity
echo "== C# and Nethereum (BenchmarkDotNet)"
dotnet bench/Tokenizer.Chain.Benchmarks/bin/Release/net10.0/Tokenizer.Chain.Benchmarks.dll \
  --filter '*' --artifacts "$out/bdn" | tee "$out/dotnet.txt" | grep -E '^\| |^RESULT' || true
echo "== ethers v6 (node)"
node bench/ethers-sign.mjs "${ETHERS_SECONDS:-5}" | tee "$out/node.txt"
echo "== pipelined transfers to anvil"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil --host 127.0.0.1 --port "$port" --chain-id 31337 --accounts 4 --silent &
anvil_pid=$!
for _ in $(seq 100); do
  curl -sf -H 'content-type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "http://127.0.0.1:$port" >/dev/null && break
  sleep 0.1
done
transfers=${PIPELINE_TRANSFERS:-200}
dotnet bench/Tokenizer.Chain.Benchmarks/bin/Release/net10.0/Tokenizer.Chain.Benchmarks.dll \
  --pipeline "http://127.0.0.1:$port/" "$transfers" | tee "$out/pipeline.txt"
kill "$anvil_pid"; anvil_pid=""

val() { awk -F'\t' -v n="$1" '$1=="RESULT" && $2==n {print $3}' "$out/$2"; }
alloc() { awk -F'\t' -v n="$1" '$1=="RESULT" && $2==n {print $5}' "$out/$2"; }
range() { awk -F'\t' -v n="$1" '$1=="RESULT" && $2==n {print $4}' "$out/$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
cs_sign=$(val SignEip1559 dotnet.txt)
ne_sign=$(val SignEip1559Nethereum dotnet.txt)
js_sign=$(val ethers_sign_eip1559 node.txt)
fast=$(val DecodeTransferFast dotnet.txt)
generic=$(val DecodeTransferGeneric dotnet.txt)
ne_decode=$(val DecodeTransferNethereum dotnet.txt)
k32=$(val Keccak32 dotnet.txt)
k1024=$(val Keccak1024 dotnet.txt)
durable=$(val PipelineDurableSender pipeline.txt)
raw=$(val PipelineOursRaw pipeline.txt)
ne_raw=$(val PipelineNethereumRaw pipeline.txt)
ratio=$(ratio "$cs_sign" "$js_sign")
target=$(awk -v f="$fast" 'BEGIN{print (f >= 1000000) ? "met" : "NOT met"}')
cpu=$(lscpu 2>/dev/null | awk -F: '/Model name/{gsub(/^ +/,"",$2); print $2; exit}')
machine="${cpu:-unknown CPU}, $(nproc) cores visible (shared with other jobs), $(uname -sr), .NET $(dotnet --version), node $(node --version)"

summary=$(cat <<TXT
| Measure | ops/s | alloc/op |
|---|---:|---:|
| C# sign + encode EIP-1559 | $cs_sign | $(alloc SignEip1559 dotnet.txt) B |
| Nethereum 6.1 sign + encode EIP-1559 (default signer) | $ne_sign | $(alloc SignEip1559Nethereum dotnet.txt) B |
| ethers v6 sign + serialise EIP-1559 | $js_sign | n/a |
| **ratio C# / ethers (same run)** | **$ratio×** | |
| **ratio C# / Nethereum (same run)** | **$(ratio "$cs_sign" "$ne_sign")×** | |
| ERC-20 Transfer log decode, fast path | $fast | $(alloc DecodeTransferFast dotnet.txt) B |
| ERC-20 Transfer log decode, generic EventSignature | $generic | $(alloc DecodeTransferGeneric dotnet.txt) B |
| ERC-20 Transfer log decode, Nethereum typed event DTO | $ne_decode | $(alloc DecodeTransferNethereum dotnet.txt) B |
| **ratio fast / Nethereum, generic / Nethereum (same run)** | **$(ratio "$fast" "$ne_decode")×, $(ratio "$generic" "$ne_decode")×** | |
| Keccak-256, 32 B | $k32 | $(alloc Keccak32 dotnet.txt) B |
| Keccak-256, 1024 B | $k1024 | $(alloc Keccak1024 dotnet.txt) B |

| $transfers pipelined ERC-20 transfers to anvil, first signature to last receipt | tx/s (median of 5) | range |
|---|---:|---:|
| C# through the durable sender (estimate, fees, stored before broadcast; in-memory store here) | $durable | $(range PipelineDurableSender pipeline.txt) |
| C# signed offline, raw sends | $raw | $(range PipelineOursRaw pipeline.txt) |
| Nethereum 6.1 signed offline, raw sends | $ne_raw | $(range PipelineNethereumRaw pipeline.txt) |
| **ratio C# raw / Nethereum raw (same run)** | **$(ratio "$raw" "$ne_raw")×** | |
TXT
)
echo
echo "$summary"
echo
echo "Transfer-log decode target (>= 1,000,000 logs/s on one core): $target"

cat > bench/RESULTS.md <<MD
# Tokenizer.Chain benchmark results

Produced by \`bench/run-chain-benchmarks.sh\` on $(date -u +%Y-%m-%d) (one run; C# and ethers measured back to back,
so compare the **ratio**, not the absolute numbers, across machines).

Machine: $machine.
C# and Nethereum 6.1: BenchmarkDotNet 0.15.8, in-process job, 3 warm-ups + 8 iterations of 250 ms, single-threaded.
ethers: \`node bench/ethers-sign.mjs\` (ethers 6.15.0 from the repo's node_modules), 2,000 warm-up ops then ${ETHERS_SECONDS:-5} s timed.
Pipelined transfers: a private anvil (automine) on loopback, an ERC-20 clone deployed through the factory, one funded
holder per way, sends in nonce order with up to 16 unanswered, receipts polled every 10 ms; one warm-up round of 50,
then 5 rounds of $transfers per way in rotating order.

$summary

Transfer-log decode target (>= 1,000,000 logs/s on one core): **$target**.
All three signers compute the same RFC 6979 signature over the same transaction (checked by the vector tests and by
\`--sanity\`), and the three log decoders return the same values, so the ratios compare like with like.
MD
echo "wrote bench/RESULTS.md"
