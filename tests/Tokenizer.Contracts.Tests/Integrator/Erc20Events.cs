using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Tokenizer.Contracts.Tests.Integrator;

// The [Event] DTOs of the token's ABI that an integrator indexes; they travel together, so they share one file.

[Event("Transfer")]
public sealed class TransferEventDto : IEventDTO
{
    [Parameter("address", "from", 1, true)] public string From { get; set; } = "";
    [Parameter("address", "to", 2, true)] public string To { get; set; } = "";
    [Parameter("uint256", "value", 3, false)] public BigInteger Value { get; set; }
}

[Event("Minted")]
public sealed class MintedEventDto : IEventDTO
{
    [Parameter("bytes32", "commandId", 1, true)] public byte[] CommandId { get; set; } = [];
    [Parameter("address", "to", 2, true)] public string To { get; set; } = "";
    [Parameter("uint256", "amount", 3, false)] public BigInteger Amount { get; set; }
}

[Event("Burned")]
public sealed class BurnedEventDto : IEventDTO
{
    [Parameter("bytes32", "commandId", 1, true)] public byte[] CommandId { get; set; } = [];
    [Parameter("address", "from", 2, true)] public string From { get; set; } = "";
    [Parameter("uint256", "amount", 3, false)] public BigInteger Amount { get; set; }
}
