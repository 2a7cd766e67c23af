using System.Numerics;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;

namespace Tokenizer.Chain.Transactions;

/// <summary>A decoded signed transaction with its recovered sender.</summary>
public sealed record DecodedTransaction(ITransaction Transaction, EthSignature Signature, Address From, Hash32 Hash);

/// <summary>
/// Decodes raw signed transactions (legacy and type 2) strictly: canonical RLP and integers, 20-byte or empty
/// recipient, low-s signature (EIP-2), and recovers the sender.
/// </summary>
public static class TransactionDecoder
{
    /// <summary>Decodes a raw signed transaction.</summary>
    public static DecodedTransaction Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty)
        {
            throw new FormatException("Empty transaction.");
        }

        var hash = Hash32.Wrap(Keccak256.Hash(raw));
        if (raw[0] >= 0xc0)
        {
            return DecodeLegacy(raw, hash);
        }

        if (raw[0] == 0x02)
        {
            return DecodeEip1559(raw, hash);
        }

        throw new FormatException($"Unsupported transaction type 0x{raw[0]:x2}.");
    }

    private static DecodedTransaction DecodeLegacy(ReadOnlySpan<byte> raw, Hash32 hash)
    {
        var f = Rlp.Decode(raw);
        if (!f.IsList || f.Items.Count != 9)
        {
            throw new FormatException("A legacy transaction has 9 fields.");
        }

        var v = f.Items[6].ToBigInteger();
        ulong? chainId;
        int recoveryId;
        if (v == 27 || v == 28)
        {
            chainId = null;
            recoveryId = (int)(v - 27);
        }
        else if (v >= 37)
        {
            chainId = (ulong)((v - 35) / 2);
            recoveryId = (int)((v - 35) % 2);
        }
        else
        {
            throw new FormatException("Invalid v in a legacy transaction.");
        }

        var tx = new LegacyTransaction
        {
            ChainId = chainId,
            Nonce = f.Items[0].ToUInt64(),
            GasPrice = ReadUInt256(f.Items[1]),
            GasLimit = f.Items[2].ToUInt64(),
            To = ReadTo(f.Items[3]),
            Value = ReadUInt256(f.Items[4]),
            Data = ReadBytes(f.Items[5]),
        };
        var signature = ReadSignature(f.Items[7], f.Items[8], recoveryId);
        return new DecodedTransaction(tx, signature, signature.Recover(tx.GetSigningHash()), hash);
    }

    private static DecodedTransaction DecodeEip1559(ReadOnlySpan<byte> raw, Hash32 hash)
    {
        var f = Rlp.Decode(raw[1..]);
        if (!f.IsList || f.Items.Count != 12)
        {
            throw new FormatException("A type 2 transaction has 12 fields.");
        }

        var yParity = f.Items[9].ToUInt64();
        if (yParity > 1)
        {
            throw new FormatException("yParity must be 0 or 1.");
        }

        var tx = new Eip1559Transaction
        {
            ChainId = f.Items[0].ToUInt64(),
            Nonce = f.Items[1].ToUInt64(),
            MaxPriorityFeePerGas = ReadUInt256(f.Items[2]),
            MaxFeePerGas = ReadUInt256(f.Items[3]),
            GasLimit = f.Items[4].ToUInt64(),
            To = ReadTo(f.Items[5]),
            Value = ReadUInt256(f.Items[6]),
            Data = ReadBytes(f.Items[7]),
            AccessList = ReadAccessList(f.Items[8]),
        };
        var signature = ReadSignature(f.Items[10], f.Items[11], (int)yParity);
        return new DecodedTransaction(tx, signature, signature.Recover(tx.GetSigningHash()), hash);
    }

    private static BigInteger ReadUInt256(RlpItem item)
    {
        var value = item.ToBigInteger();
        return value.GetBitLength() <= 256 ? value : throw new FormatException("Integer exceeds 256 bits.");
    }

    private static byte[] ReadBytes(RlpItem item) => item.IsList ? throw new FormatException("Expected bytes, found a list.") : item.Bytes;

    private static Address? ReadTo(RlpItem item)
    {
        var bytes = ReadBytes(item);
        return bytes.Length switch
        {
            0 => null,
            20 => new Address(bytes),
            _ => throw new FormatException("The recipient must be empty or 20 bytes."),
        };
    }

    private static IReadOnlyList<AccessListItem> ReadAccessList(RlpItem item)
    {
        if (!item.IsList)
        {
            throw new FormatException("The access list must be a list.");
        }

        var result = new List<AccessListItem>(item.Items.Count);
        foreach (var entry in item.Items)
        {
            if (!entry.IsList || entry.Items.Count != 2 || !entry.Items[1].IsList)
            {
                throw new FormatException("Malformed access list entry.");
            }

            var address = ReadBytes(entry.Items[0]);
            if (address.Length != 20)
            {
                throw new FormatException("Access list address must be 20 bytes.");
            }

            var keys = entry.Items[1].Items.Select(k =>
            {
                var bytes = ReadBytes(k);
                return bytes.Length == 32 ? new Hash32(bytes) : throw new FormatException("Storage keys are 32 bytes.");
            }).ToArray();
            result.Add(new AccessListItem(new Address(address), keys));
        }
        return result;
    }

    private static EthSignature ReadSignature(RlpItem r, RlpItem s, int recoveryId)
    {
        var rb = ReadBytes(r);
        var sb = ReadBytes(s);
        if (rb.Length > 32 || sb.Length > 32 || (rb.Length > 0 && rb[0] == 0) || (sb.Length > 0 && sb[0] == 0))
        {
            throw new FormatException("Non-canonical r or s.");
        }

        var signature = new EthSignature(rb, sb, (byte)recoveryId);
        if (!signature.IsLowS)
        {
            throw new FormatException("High-s signatures are invalid (EIP-2).");
        }

        return signature;
    }
}
