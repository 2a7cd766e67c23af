using Tokenizer.Chain.Primitives;

namespace Tokenizer.Chain.Crypto;

/// <summary>An ECDSA secp256k1 signature (r, s) with its recovery id (y parity, 0 or 1).</summary>
public sealed class EthSignature
{
    /// <summary>Creates a signature from 32-byte big-endian r and s and the recovery id.</summary>
    public EthSignature(ReadOnlySpan<byte> r, ReadOnlySpan<byte> s, byte recoveryId)
    {
        if (r.Length > 32 || s.Length > 32)
        {
            throw new ArgumentException("r and s are at most 32 bytes.");
        }

        if (recoveryId > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(recoveryId));
        }

        R = Pad32(r);
        S = Pad32(s);
        RecoveryId = recoveryId;
    }

    /// <summary>r, 32 bytes big-endian.</summary>
    public byte[] R { get; }

    /// <summary>s, 32 bytes big-endian.</summary>
    public byte[] S { get; }

    /// <summary>The y parity of R (0 or 1; 2 and 3 only in the astronomically rare x ≥ n case).</summary>
    public byte RecoveryId { get; }

    /// <summary>Pre-EIP-155 v: 27 + recovery id.</summary>
    public byte V => (byte)(27 + RecoveryId);

    /// <summary>True when s ≤ n/2 (the form EIP-2 requires).</summary>
    public bool IsLowS => Secp256k1.FromBytes(S).CompareTo(Secp256k1.HalfN) <= 0;

    /// <summary>r ‖ s ‖ v (65 bytes, v = 27 + recovery id), the form used by eth_sign / ecrecover callers.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[65];
        R.CopyTo(bytes, 0);
        S.CopyTo(bytes, 32);
        bytes[64] = V;
        return bytes;
    }

    /// <summary>Parses r ‖ s ‖ v with v in {0, 1, 27, 28}.</summary>
    public static EthSignature FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 65)
        {
            throw new ArgumentException("A signature is 65 bytes.", nameof(bytes));
        }

        var v = bytes[64];
        var recoveryId = v >= 27 ? v - 27 : v;
        if (recoveryId is < 0 or > 1)
        {
            throw new ArgumentException("Invalid v.", nameof(bytes));
        }

        return new EthSignature(bytes[..32], bytes[32..64], (byte)recoveryId);
    }

    /// <summary>Recovers the public key (65 bytes uncompressed) that signed <paramref name="hash32"/>.</summary>
    public byte[] RecoverPublicKey(ReadOnlySpan<byte> hash32)
    {
        if (hash32.Length != 32)
        {
            throw new ArgumentException("Recover from a 32-byte hash.", nameof(hash32));
        }

        var point = Secp256k1.Recover(Secp256k1.FromBytes(R), Secp256k1.FromBytes(S), RecoveryId, hash32)
            ?? throw new InvalidOperationException("The signature does not recover to a public key.");
        return point.GetEncoded(false);
    }

    /// <summary>Recovers the signer's address.</summary>
    public Address Recover(ReadOnlySpan<byte> hash32) => Address.FromPublicKey(RecoverPublicKey(hash32));

    private static byte[] Pad32(ReadOnlySpan<byte> value)
    {
        var padded = new byte[32];
        value.CopyTo(padded.AsSpan(32 - value.Length));
        return padded;
    }

    public override string ToString() => $"r={Serialization.Hex.Encode(R)} s={Serialization.Hex.Encode(S)} recoveryId={RecoveryId}";
}
