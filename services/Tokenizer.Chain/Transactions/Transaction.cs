using System.Numerics;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;

namespace Tokenizer.Chain.Transactions;

/// <summary>An unsigned transaction that can be hashed for signing and signed.</summary>
public interface ITransaction
{
    /// <summary>EIP-2718 type: 0 for legacy, 2 for EIP-1559.</summary>
    byte Type { get; }

    ulong Nonce { get; }

    /// <summary>The hash the sender signs.</summary>
    byte[] GetSigningHash();

    /// <summary>Signs with <paramref name="key"/> and serialises.</summary>
    SignedTransaction Sign(EthKey key);
}

/// <summary>One EIP-2930 access list entry.</summary>
public sealed record AccessListItem(Address Address, IReadOnlyList<Hash32> StorageKeys);

/// <summary>
/// A signed, serialised transaction. <see cref="Raw"/> is what eth_sendRawTransaction takes; a resend must use
/// these exact bytes so that it can never become a second transaction.
/// </summary>
public sealed record SignedTransaction(byte[] Raw, Hash32 Hash, Address From, ulong Nonce)
{
    /// <summary>0x-hex of <see cref="Raw"/>.</summary>
    public string RawHex => Hex.Encode(Raw);

    internal static SignedTransaction Create(byte[] raw, Address from, ulong nonce) =>
        new(raw, Hash32.Wrap(Keccak256.Hash(raw)), from, nonce);

    public override string ToString() => $"{Hash} (from {From}, nonce {Nonce})";
}

internal static class TxRlp
{
    internal static byte[] To(Address? to) => to is { } a ? Rlp.EncodeBytes(a.ToBytes()) : [0x80];

    internal static byte[] Integer(ReadOnlySpan<byte> bigEndian32)
    {
        var start = 0;
        while (start < bigEndian32.Length && bigEndian32[start] == 0)
        {
            start++;
        }

        return Rlp.EncodeBytes(bigEndian32[start..]);
    }

    internal static byte[] AccessList(IReadOnlyList<AccessListItem> list)
    {
        var items = new byte[list.Count][];
        for (var i = 0; i < list.Count; i++)
        {
            var keys = list[i].StorageKeys.Select(k => Rlp.EncodeBytes(k.AsSpan())).ToArray();
            items[i] = Rlp.EncodeList(Rlp.EncodeBytes(list[i].Address.ToBytes()), Rlp.EncodeList(keys));
        }
        return Rlp.EncodeList(items);
    }

    internal static void CheckValue(BigInteger value, string name)
    {
        if (value.Sign < 0 || value.GetBitLength() > 256)
        {
            throw new ArgumentOutOfRangeException(name, $"{name} must be in [0, 2^256).");
        }
    }
}
