using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Tokenizer.Chain.Benchmarks;

/// <summary>ERC-20 transfer as a Nethereum integrator's typed message.</summary>
[Function("transfer", "bool")]
public sealed class NethereumTransferFunction : FunctionMessage
{
    [Parameter("address", "to", 1)] public string To { get; set; } = "";
    [Parameter("uint256", "value", 2)] public BigInteger Value { get; set; }
}
