#!/usr/bin/env bash
# Runs the Tokenizer.Chain benchmarks (BenchmarkDotNet, short in-process job) and the ethers v6 signing
# benchmark in one go, prints ops/s and the C#/ethers ratio, and writes bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "== building (Release)"
dotnet build -c Release bench/Tokenizer.Chain.Benchmarks -v quiet -nologo >/dev/null
echo "== C# (BenchmarkDotNet)"
dotnet bench/Tokenizer.Chain.Benchmarks/bin/Release/net10.0/Tokenizer.Chain.Benchmarks.dll \
  --filter '*' --artifacts "$out/bdn" | tee "$out/dotnet.txt" | grep -E '^\| |^RESULT' || true
echo "== ethers v6 (node)"
node bench/ethers-sign.mjs "${ETHERS_SECONDS:-5}" | tee "$out/node.txt"

val() { awk -F'\t' -v n="$1" '$1=="RESULT" && $2==n {print $3}' "$out/$2"; }
alloc() { awk -F'\t' -v n="$1" '$1=="RESULT" && $2==n {print $5}' "$out/$2"; }
cs_sign=$(val SignEip1559 dotnet.txt)
js_sign=$(val ethers_sign_eip1559 node.txt)
fast=$(val DecodeTransferFast dotnet.txt)
generic=$(val DecodeTransferGeneric dotnet.txt)
k32=$(val Keccak32 dotnet.txt)
k1024=$(val Keccak1024 dotnet.txt)
ratio=$(awk -v a="$cs_sign" -v b="$js_sign" 'BEGIN{printf "%.2f", a/b}')
target=$(awk -v f="$fast" 'BEGIN{print (f >= 1000000) ? "met" : "NOT met"}')
cpu=$(lscpu 2>/dev/null | awk -F: '/Model name/{gsub(/^ +/,"",$2); print $2; exit}')
machine="${cpu:-unknown CPU}, $(nproc) cores visible (shared with other jobs), $(uname -sr), .NET $(dotnet --version), node $(node --version)"

summary=$(cat <<TXT
| Measure | ops/s | alloc/op |
|---|---:|---:|
| C# sign + encode EIP-1559 | $cs_sign | $(alloc SignEip1559 dotnet.txt) B |
| ethers v6 sign + serialise EIP-1559 | $js_sign | n/a |
| **ratio C# / ethers (same run)** | **$ratio×** | |
| ERC-20 Transfer log decode, fast path | $fast | $(alloc DecodeTransferFast dotnet.txt) B |
| ERC-20 Transfer log decode, generic EventSignature | $generic | $(alloc DecodeTransferGeneric dotnet.txt) B |
| Keccak-256, 32 B | $k32 | $(alloc Keccak32 dotnet.txt) B |
| Keccak-256, 1024 B | $k1024 | $(alloc Keccak1024 dotnet.txt) B |
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
C#: BenchmarkDotNet 0.15.8, in-process job, 3 warm-ups + 8 iterations of 250 ms, single-threaded.
ethers: \`node bench/ethers-sign.mjs\` (ethers 6.15.0 from the repo's node_modules), 2,000 warm-up ops then ${ETHERS_SECONDS:-5} s timed.

$summary

Transfer-log decode target (>= 1,000,000 logs/s on one core): **$target**.
Both signers compute the same RFC 6979 signature over the same transaction (checked by the vector tests), so the
ratio compares like with like.
MD
echo "wrote bench/RESULTS.md"
