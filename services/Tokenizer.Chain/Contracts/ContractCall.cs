using System.Numerics;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Chain.Contracts;

/// <summary>
/// A contract write, ready to be sent however the caller chooses (<see cref="ContractTransactionSender"/>, a
/// multisig, a script): the target (null creates a contract from <see cref="Data"/>) and the call data.
/// </summary>
public sealed record ContractCall(Address? To, byte[] Data)
{
    /// <summary>Wei sent with the call (the Tokenizer contracts take none).</summary>
    public BigInteger Value { get; init; }

    /// <summary>What the call does, for messages and logs, e.g. "TokenizerERC20.mint(bytes32,address,uint256)".</summary>
    public string? Description { get; init; }

    public bool IsCreation => To is null;

    /// <summary>The eth_call / eth_estimateGas request for this call from <paramref name="from"/>.</summary>
    public CallRequest ToCallRequest(Address? from, ulong? gas = null) => new()
    {
        From = from,
        To = To,
        Data = Data,
        Value = Value.IsZero ? null : Value,
        Gas = gas,
    };

    public override string ToString() => Description ?? (To is { } to ? $"call {to}" : "contract creation");
}
