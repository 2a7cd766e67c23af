using Org.BouncyCastle.Crypto.Digests;

namespace Tokenizer.Chain.Crypto;

/// <summary>
/// Keccak-256 as used by Ethereum (the original Keccak padding, not NIST SHA3-256), on BouncyCastle's
/// <see cref="KeccakDigest"/>. The span overloads reuse a per-thread digest and allocate nothing.
/// </summary>
public static class Keccak256
{
    /// <summary>Digest length in bytes.</summary>
    public const int HashSize = 32;

    [ThreadStatic] private static KeccakDigest? _digest;

    private static KeccakDigest Digest => _digest ??= new KeccakDigest(256);

    /// <summary>Hashes <paramref name="data"/> into a new 32-byte array.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var output = new byte[HashSize];
        Hash(data, output);
        return output;
    }

    /// <summary>Hashes <paramref name="data"/> into <paramref name="destination"/> (at least 32 bytes) without allocating.</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < HashSize)
        {
            throw new ArgumentException("Destination must hold 32 bytes.", nameof(destination));
        }

        var digest = Digest;
        digest.Reset();
        digest.BlockUpdate(data);
        digest.DoFinal(destination);
    }

    /// <summary>Hashes the concatenation of two inputs without building it.</summary>
    public static void Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination)
    {
        var digest = Digest;
        digest.Reset();
        digest.BlockUpdate(first);
        digest.BlockUpdate(second);
        digest.DoFinal(destination);
    }

    /// <summary>Hashes the UTF-8 bytes of a string (for signatures such as "Transfer(address,address,uint256)").</summary>
    public static byte[] HashUtf8(string text) => Hash(System.Text.Encoding.UTF8.GetBytes(text));
}
