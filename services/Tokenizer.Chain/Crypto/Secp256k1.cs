using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Tokenizer.Chain.Crypto;

/// <summary>secp256k1 primitives on BouncyCastle's optimised custom curve.</summary>
internal static class Secp256k1
{
    internal static readonly X9ECParameters Parameters = CustomNamedCurves.GetByName("secp256k1");
    internal static readonly ECCurve Curve = Parameters.Curve;
    internal static readonly ECPoint G = Parameters.G;
    internal static readonly BcBigInteger N = Parameters.N;
    internal static readonly BcBigInteger HalfN = N.ShiftRight(1);
    private static readonly FixedPointCombMultiplier Multiplier = new();

    internal static ECPoint MultiplyG(BcBigInteger k) => Multiplier.Multiply(G, k).Normalize();

    internal static BcBigInteger FromBytes(ReadOnlySpan<byte> bytes) => new(1, bytes);

    internal static void ToBytes32(BcBigInteger value, Span<byte> destination)
    {
        destination[..32].Clear();
        var bytes = value.ToByteArrayUnsigned();
        bytes.CopyTo(destination[(32 - bytes.Length)..]);
    }

    /// <summary>
    /// Deterministic ECDSA (RFC 6979 with HMAC-SHA256), low-s normalised, returning the recovery id alongside.
    /// Computing R directly gives the recovery id without a trial recovery.
    /// </summary>
    internal static (BcBigInteger R, BcBigInteger S, int RecoveryId) Sign(BcBigInteger d, ReadOnlySpan<byte> hash)
    {
        if (hash.Length != 32)
        {
            throw new ArgumentException("Sign a 32-byte hash.", nameof(hash));
        }

        var message = hash.ToArray();
        var e = FromBytes(hash);
        var kCalculator = new HMacDsaKCalculator(new Sha256Digest());
        kCalculator.Init(N, d, message);
        while (true)
        {
            var k = kCalculator.NextK();
            var point = MultiplyG(k);
            var x = point.AffineXCoord.ToBigInteger();
            var r = x.Mod(N);
            if (r.SignValue == 0)
            {
                continue;
            }

            var s = k.ModInverse(N).Multiply(e.Add(d.Multiply(r))).Mod(N);
            if (s.SignValue == 0)
            {
                continue;
            }

            var recoveryId = (point.AffineYCoord.TestBitZero() ? 1 : 0) | (x.CompareTo(N) >= 0 ? 2 : 0);
            if (s.CompareTo(HalfN) > 0)
            {
                s = N.Subtract(s);
                recoveryId ^= 1;
            }
            return (r, s, recoveryId);
        }
    }

    /// <summary>Recovers the public key point, or null when the signature does not recover.</summary>
    internal static ECPoint? Recover(BcBigInteger r, BcBigInteger s, int recoveryId, ReadOnlySpan<byte> hash)
    {
        if (r.SignValue <= 0 || r.CompareTo(N) >= 0 || s.SignValue <= 0 || s.CompareTo(N) >= 0)
        {
            return null;
        }

        if (recoveryId is < 0 or > 3)
        {
            return null;
        }

        var x = r;
        if ((recoveryId & 2) != 0)
        {
            x = x.Add(N);
        }

        if (x.CompareTo(Curve.Field.Characteristic) >= 0)
        {
            return null;
        }

        var encoded = new byte[33];
        encoded[0] = (byte)(0x02 | (recoveryId & 1));
        ToBytes32(x, encoded.AsSpan(1));
        ECPoint rPoint;
        try
        { rPoint = Curve.DecodePoint(encoded); }
        catch (ArgumentException) { return null; }
        var e = FromBytes(hash);
        var rInv = r.ModInverse(N);
        var u1 = N.Subtract(e).Mod(N).Multiply(rInv).Mod(N);
        var u2 = s.Multiply(rInv).Mod(N);
        var q = ECAlgorithms.SumOfTwoMultiplies(G, u1, rPoint, u2).Normalize();
        return q.IsInfinity ? null : q;
    }
}
