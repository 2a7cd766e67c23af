using System.Numerics;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;

namespace Tokenizer.Chain.Transactions;

/// <summary>
/// A legacy (type 0) transaction, signed with EIP-155 replay protection (v = recoveryId + 2·chainId + 35).
/// A null <see cref="ChainId"/> means a pre-EIP-155 signature (only met when decoding old transactions).
/// </summary>
public sealed record LegacyTransaction : ITransaction
{
    public byte Type => 0;
    public ulong? ChainId { get; init; }
    public ulong Nonce { get; init; }
    public BigInteger GasPrice { get; init; }
    public ulong GasLimit { get; init; }

    /// <summary>Recipient; null creates a contract from <see cref="Data"/>.</summary>
    public Address? To { get; init; }

    public BigInteger Value { get; init; }
    public byte[] Data { get; init; } = [];

    /// <summary>keccak256(rlp([nonce, gasPrice, gas, to, value, data, chainId, 0, 0])).</summary>
    public byte[] GetSigningHash()
    {
        var fields = new List<byte[]>(9);
        AddCommonFields(fields);
        if (ChainId is { } chainId)
        {
            fields.Add(Rlp.EncodeInteger(chainId));
            fields.Add([0x80]);
            fields.Add([0x80]);
        }
        return Keccak256.Hash(Rlp.EncodeList(fields));
    }

    /// <inheritdoc />
    public SignedTransaction Sign(EthKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        // The platform never signs a replayable (pre-EIP-155) transaction; decoding old ones is still supported.
        if (ChainId is null)
        {
            throw new InvalidOperationException("Set ChainId: transactions are signed with EIP-155 replay protection.");
        }

        var signature = key.Sign(GetSigningHash());
        return SignedTransaction.Create(Encode(signature), key.Address, Nonce);
    }

    /// <summary>Serialises with a given signature.</summary>
    public byte[] Encode(EthSignature signature)
    {
        var fields = new List<byte[]>(9);
        AddCommonFields(fields);
        var v = ChainId is { } chainId ? (BigInteger)chainId * 2 + 35 + signature.RecoveryId : 27 + signature.RecoveryId;
        fields.Add(Rlp.EncodeInteger(v));
        fields.Add(TxRlp.Integer(signature.R));
        fields.Add(TxRlp.Integer(signature.S));
        return Rlp.EncodeList(fields);
    }

    private void AddCommonFields(List<byte[]> fields)
    {
        TxRlp.CheckValue(GasPrice, nameof(GasPrice));
        TxRlp.CheckValue(Value, nameof(Value));
        fields.Add(Rlp.EncodeInteger(Nonce));
        fields.Add(Rlp.EncodeInteger(GasPrice));
        fields.Add(Rlp.EncodeInteger(GasLimit));
        fields.Add(TxRlp.To(To));
        fields.Add(Rlp.EncodeInteger(Value));
        fields.Add(Rlp.EncodeBytes(Data));
    }
}
