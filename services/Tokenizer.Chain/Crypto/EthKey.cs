using System.Diagnostics;
using Tokenizer.Chain.Primitives;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Tokenizer.Chain.Crypto;

/// <summary>
/// A secp256k1 signing key. The private key never leaves this object as text: <see cref="ToString"/> is the
/// address, no property exposes the key, and parse errors never echo the input.
/// </summary>
[DebuggerDisplay("EthKey {Address}")]
public sealed class EthKey
{
    private readonly BcBigInteger _d;

    private EthKey(BcBigInteger d)
    {
        _d = d;
        var publicPoint = Secp256k1.MultiplyG(d);
        PublicKey = publicPoint.GetEncoded(false);
        Address = Address.FromPublicKey(PublicKey);
    }

    /// <summary>The 65-byte uncompressed public key (0x04 ‖ X ‖ Y).</summary>
    public byte[] PublicKey { get; }

    /// <summary>The account address.</summary>
    public Address Address { get; }

    /// <summary>Creates a key from 32 private-key bytes (must be in [1, n-1]).</summary>
    public static EthKey FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != 32)
        {
            throw new ArgumentException("A private key is exactly 32 bytes.", nameof(privateKey));
        }

        var d = Secp256k1.FromBytes(privateKey);
        if (d.SignValue == 0 || d.CompareTo(Secp256k1.N) >= 0)
        {
            throw new ArgumentException("The private key is outside the secp256k1 range.", nameof(privateKey));
        }

        return new EthKey(d);
    }

    /// <summary>
    /// Creates a key from configuration text: 64 hex digits, optionally 0x-prefixed, surrounding whitespace ignored.
    /// The exception message never contains the value.
    /// </summary>
    public static EthKey FromHex(string? privateKeyHex)
    {
        if (string.IsNullOrWhiteSpace(privateKeyHex))
        {
            throw new ArgumentException("The private key is not configured.", nameof(privateKeyHex));
        }

        var s = Serialization.Hex.StripPrefix(privateKeyHex.AsSpan().Trim());
        Span<byte> bytes = stackalloc byte[32];
        if (s.Length != 64 || Convert.FromHexString(s, bytes, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            throw new ArgumentException("The private key must be 32 bytes of hex.", nameof(privateKeyHex));
        }

        try
        { return FromPrivateKey(bytes); }
        finally { bytes.Clear(); }
    }

    /// <summary>Signs a 32-byte hash deterministically (RFC 6979), low-s, with recovery id.</summary>
    public EthSignature Sign(ReadOnlySpan<byte> hash32)
    {
        var (r, s, recoveryId) = Secp256k1.Sign(_d, hash32);
        var rb = new byte[32];
        var sb = new byte[32];
        Secp256k1.ToBytes32(r, rb);
        Secp256k1.ToBytes32(s, sb);
        return new EthSignature(rb, sb, (byte)recoveryId);
    }

    /// <summary>The address only; the key is never printed.</summary>
    public override string ToString() => Address.ToString();
}
