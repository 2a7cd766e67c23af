using System.Numerics;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;

namespace Tokenizer.Chain.Transactions;

/// <summary>
/// An EIP-1559 (type 2) transaction: 0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gas, to, value,
/// data, accessList, yParity, r, s]).
/// </summary>
public sealed record Eip1559Transaction : ITransaction
{
    public byte Type => 2;
    public ulong ChainId { get; init; }
    public ulong Nonce { get; init; }
    public BigInteger MaxPriorityFeePerGas { get; init; }
    public BigInteger MaxFeePerGas { get; init; }
    public ulong GasLimit { get; init; }

    /// <summary>Recipient; null creates a contract from <see cref="Data"/>.</summary>
    public Address? To { get; init; }

    public BigInteger Value { get; init; }
    public byte[] Data { get; init; } = [];
    public IReadOnlyList<AccessListItem> AccessList { get; init; } = [];

    /// <summary>keccak256(0x02 ‖ rlp([chainId, …, accessList])).</summary>
    public byte[] GetSigningHash()
    {
        var payload = Rlp.EncodeList(Fields(null));
        var hash = new byte[32];
        Keccak256.Hash([0x02], payload, hash);
        return hash;
    }

    /// <inheritdoc />
    public SignedTransaction Sign(EthKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (MaxPriorityFeePerGas > MaxFeePerGas)
        {
            throw new InvalidOperationException("maxPriorityFeePerGas cannot exceed maxFeePerGas; nodes reject such a transaction.");
        }

        var signature = key.Sign(GetSigningHash());
        return SignedTransaction.Create(Encode(signature), key.Address, Nonce);
    }

    /// <summary>Serialises with a given signature (recovery id 0 or 1).</summary>
    public byte[] Encode(EthSignature signature)
    {
        if (signature.RecoveryId > 1)
        {
            throw new ArgumentException("yParity must be 0 or 1.", nameof(signature));
        }

        var payload = Rlp.EncodeList(Fields(signature));
        var raw = new byte[payload.Length + 1];
        raw[0] = 0x02;
        payload.CopyTo(raw, 1);
        return raw;
    }

    private List<byte[]> Fields(EthSignature? signature)
    {
        TxRlp.CheckValue(MaxPriorityFeePerGas, nameof(MaxPriorityFeePerGas));
        TxRlp.CheckValue(MaxFeePerGas, nameof(MaxFeePerGas));
        TxRlp.CheckValue(Value, nameof(Value));
        var fields = new List<byte[]>(12)
        {
            Rlp.EncodeInteger(ChainId),
            Rlp.EncodeInteger(Nonce),
            Rlp.EncodeInteger(MaxPriorityFeePerGas),
            Rlp.EncodeInteger(MaxFeePerGas),
            Rlp.EncodeInteger(GasLimit),
            TxRlp.To(To),
            Rlp.EncodeInteger(Value),
            Rlp.EncodeBytes(Data),
            TxRlp.AccessList(AccessList),
        };
        if (signature is not null)
        {
            fields.Add(Rlp.EncodeInteger(signature.RecoveryId));
            fields.Add(TxRlp.Integer(signature.R));
            fields.Add(TxRlp.Integer(signature.S));
        }
        return fields;
    }
}
