using Tokenizer.Chain.Primitives;

namespace Tokenizer.LedgerData.Ingest;

/// <summary>Normalises what the feeds carry into the stored forms (EIP-55 addresses, feed keys).</summary>
public static class FeedValues
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");
    private static readonly System.Buffers.SearchValues<char> LowerLetters = System.Buffers.SearchValues.Create("abcdef");
    private static readonly System.Buffers.SearchValues<char> UpperLetters = System.Buffers.SearchValues.Create("ABCDEF");

    /// <summary>The feed key of a factory: its EIP-55 address, or "" for the unnamed feed.</summary>
    public static string FeedKey(string? factory) => factory is null ? "" : Checksummed(factory, "Factory");

    public static string Checksummed(string value, string field)
    {
        if (!Address.TryParse(value, out var address, out var error))
        {
            throw new InvalidFeedMessageException($"{field} '{value}' is not an address: {error}");
        }
        // TryParse takes mixed case only when it is exactly the EIP-55 form, so such a value (what the Monitor sends)
        // is already the stored form: no second Keccak to compute it again.
        var digits = value.AsSpan(2);
        return value.StartsWith("0x", StringComparison.Ordinal) && digits.ContainsAny(LowerLetters) && digits.ContainsAny(UpperLetters)
            ? value
            : address.ToString();
    }

    /// <summary>A 32-byte hash (block, transaction, command id) as 0x lower-case hex.</summary>
    public static string Hash(string value, string field) =>
        value is { Length: 66 } && value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && value.AsSpan(2).ContainsAnyExcept(HexDigits) is false
            ? "0x" + value[2..].ToLowerInvariant()
            : throw new InvalidFeedMessageException($"{field} '{value}' is not 0x followed by 64 hex digits");

    public static string Kind(string kind) => kind switch
    {
        "mint" or "burn" => kind,
        _ => throw new InvalidFeedMessageException($"Kind '{kind}' is neither mint nor burn"),
    };
}
