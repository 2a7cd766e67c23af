using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Tokenizer.Chain.Benchmarks;

/// <summary>The ERC-20 Transfer event as a Nethereum integrator declares it.</summary>
[Event("Transfer")]
public sealed class NethereumTransferEvent : IEventDTO
{
    [Parameter("address", "from", 1, true)] public string From { get; set; } = "";
    [Parameter("address", "to", 2, true)] public string To { get; set; } = "";
    [Parameter("uint256", "value", 3, false)] public BigInteger Value { get; set; }
}
