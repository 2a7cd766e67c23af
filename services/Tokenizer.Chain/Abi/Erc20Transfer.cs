using System.Numerics;
using Tokenizer.Chain.Primitives;

namespace Tokenizer.Chain.Abi;

/// <summary>
/// An ERC-20 Transfer(address indexed from, address indexed to, uint256 value) log, with an allocation-light
/// decoder for indexing hot paths (no ABI interpretation, just the fixed layout, validated strictly).
/// </summary>
public readonly record struct Erc20Transfer(Address From, Address To, BigInteger Value)
{
    /// <summary>The Transfer event (shared by ERC-20 and ERC-721; ERC-721 indexes the token id as a 4th topic).</summary>
    public static readonly EventSignature Event = EventSignature.Parse("Transfer(address indexed from,address indexed to,uint256 value)");

    /// <summary>keccak256("Transfer(address,address,uint256)").</summary>
    public static readonly Hash32 Topic0 = Event.Topic0;

    /// <summary>
    /// Decodes an ERC-20 Transfer; false when the log is not one (wrong topic0, topic count or data length) or has dirty
    /// address padding.
    /// </summary>
    public static bool TryDecode(IReadOnlyList<Hash32> topics, ReadOnlySpan<byte> data, out Erc20Transfer transfer)
    {
        transfer = default;
        if (topics.Count != 3 || data.Length != 32)
        {
            return false;
        }

        return TryDecode(topics[0].AsSpan(), topics[1].AsSpan(), topics[2].AsSpan(), data, out transfer);
    }

    /// <summary>Span form of <see cref="TryDecode(IReadOnlyList{Hash32}, ReadOnlySpan{byte}, out Erc20Transfer)"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> topic0, ReadOnlySpan<byte> topic1, ReadOnlySpan<byte> topic2, ReadOnlySpan<byte> data, out Erc20Transfer transfer)
    {
        transfer = default;
        if (data.Length != 32 || !topic0.SequenceEqual(Topic0.AsSpan()))
        {
            return false;
        }

        if (topic1[..12].ContainsAnyExcept((byte)0) || topic2[..12].ContainsAnyExcept((byte)0))
        {
            return false;
        }

        transfer = new Erc20Transfer(new Address(topic1[12..32]), new Address(topic2[12..32]), new BigInteger(data, isUnsigned: true, isBigEndian: true));
        return true;
    }
}
