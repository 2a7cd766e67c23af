namespace Tokenizer.Chain.Primitives;

/// <summary>An immutable 32-byte value: a transaction or block hash, or a log topic. Formats as lowercase 0x-hex.</summary>
public readonly struct Hash32 : IEquatable<Hash32>
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 32;

    private static readonly byte[] ZeroBytes = new byte[Length];
    private readonly byte[]? _bytes;

    /// <summary>The all-zero value.</summary>
    public static readonly Hash32 Zero = new(ZeroBytes, copy: false);

    /// <summary>Copies exactly 32 bytes.</summary>
    public Hash32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException("A hash is exactly 32 bytes.", nameof(bytes));
        }

        _bytes = bytes.ToArray();
    }

    private Hash32(byte[] bytes, bool copy) => _bytes = copy ? (byte[])bytes.Clone() : bytes;

    /// <summary>Wraps an array the caller will not modify again (no copy).</summary>
    internal static Hash32 Wrap(byte[] bytes) =>
        bytes.Length == Length ? new Hash32(bytes, copy: false) : throw new ArgumentException("A hash is exactly 32 bytes.");

    /// <summary>The bytes, read-only.</summary>
    public ReadOnlySpan<byte> AsSpan() => _bytes ?? ZeroBytes;

    /// <summary>The bytes, read-only, as memory (no copy): for writers that take memory, such as a database driver's.</summary>
    public ReadOnlyMemory<byte> AsMemory() => _bytes ?? ZeroBytes;

    /// <summary>A copy of the bytes.</summary>
    public byte[] ToArray() => AsSpan().ToArray();

    /// <summary>Parses 0x-prefixed (or bare) 64-digit hex.</summary>
    public static Hash32 Parse(string hex)
    {
        var bytes = new byte[Length];
        Serialization.Hex.DecodeInto(hex, bytes);
        return new Hash32(bytes, copy: false);
    }

    public override string ToString() => Serialization.Hex.Encode(AsSpan());
    public bool Equals(Hash32 other) => AsSpan().SequenceEqual(other.AsSpan());
    public override bool Equals(object? obj) => obj is Hash32 other && Equals(other);
    public override int GetHashCode() => BitConverter.ToInt32(AsSpan()[..4]);
    public static bool operator ==(Hash32 left, Hash32 right) => left.Equals(right);
    public static bool operator !=(Hash32 left, Hash32 right) => !left.Equals(right);
}
