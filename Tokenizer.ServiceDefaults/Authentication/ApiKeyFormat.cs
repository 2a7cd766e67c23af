using System.Security.Cryptography;
using System.Text;

namespace Tokenizer.ServiceDefaults.Authentication;

/// <summary>
/// The API key format: <c>mw_</c> followed by base64url of 32 random bytes. Only the SHA-256 of the whole key is
/// stored or cached; the key itself exists only in the response that created it and in the client.
/// </summary>
public static class ApiKeyFormat
{
    /// <summary>Every API key starts with this.</summary>
    public const string Prefix = "mw_";
    /// <summary>How many characters of the key are kept and listed as <c>keyPrefix</c>.</summary>
    public const int ListedPrefixLength = 10;
    private const int RandomBytes = 32;
    // 32 bytes base64url without padding is 43 characters.
    private const int EncodedLength = 43;

    /// <summary>Makes a new random key.</summary>
    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>True when <paramref name="value"/> has the shape of an API key (not that it exists).</summary>
    public static bool IsWellFormed(string? value)
    {
        if (value is null || value.Length != Prefix.Length + EncodedLength || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var c in value.AsSpan(Prefix.Length))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Lower-case hex SHA-256 of the key: what is stored, cached and introspected.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The part of a key that is shown in listings.</summary>
    public static string ListedPrefix(string key) => key[..ListedPrefixLength];

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
