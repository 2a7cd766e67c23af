using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace Tokenizer.Chain.Contracts;

/// <summary>The <c>kind</c> of an on-chain attribute (TokenMetadata.sol).</summary>
public enum AttributeKind : byte
{
    String = 0,
    Number = 1,
    Bool = 2,
}

/// <summary>
/// One on-chain attribute: <c>struct Attribute { string key; uint8 kind; string value; }</c>. The value is text on
/// chain; the factories produce the canonical text the contract accepts. The constructor does not validate (the
/// contract does, by name: <c>InvalidAttributeKind</c>, <c>InvalidAttributeValue</c>, ...).
/// </summary>
public sealed partial record TokenAttribute(string Key, AttributeKind Kind, string Value)
{
    public static TokenAttribute String(string key, string value) => new(key, AttributeKind.String, value);

    /// <summary>A number as canonical text: invariant culture, no trailing fractional zeros ("1.50" → "1.5").</summary>
    public static TokenAttribute Number(string key, decimal value)
    {
        // Dividing by 1.000…0 drops the scale's trailing zeros.
        var normalized = value / 1.0000000000000000000000000000m;
        return new(key, AttributeKind.Number, normalized.ToString(CultureInfo.InvariantCulture));
    }

    public static TokenAttribute Number(string key, BigInteger value) =>
        new(key, AttributeKind.Number, value.ToString(CultureInfo.InvariantCulture));

    public static TokenAttribute Bool(string key, bool value) => new(key, AttributeKind.Bool, value ? "true" : "false");

    /// <summary>The value typed by kind: string, decimal (number) or bool; the raw text when it does not parse.</summary>
    public object TypedValue => Kind switch
    {
        AttributeKind.Number when decimal.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        AttributeKind.Bool when Value == "true" => true,
        AttributeKind.Bool when Value == "false" => false,
        _ => Value,
    };

    /// <summary>The contract's number grammar: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>.</summary>
    public static bool IsValidNumber(string text) => NumberGrammar().IsMatch(text);

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberGrammar();
}

/// <summary>
/// On-chain metadata of an ERC20 token or an ERC721 token id (<c>getMetadata()</c> / <c>getTokenMetadata(id)</c>).
/// Setting it replaces the whole record. Limits are in bytes of UTF-8.
/// </summary>
public sealed record TokenMetadata(string Name, string Description, string Image, IReadOnlyList<TokenAttribute> Attributes)
{
    public const int MaxAttributes = 13;
    public const int MaxNameLength = 128;
    public const int MaxDescriptionLength = 1024;
    public const int MaxImageLength = 512;
    public const int MaxAttributeKeyLength = 64;
    public const int MaxAttributeValueLength = 256;

    /// <summary>The record of a token without metadata.</summary>
    public static TokenMetadata Empty { get; } = new("", "", "", []);

    public bool IsEmpty => Name.Length == 0 && Description.Length == 0 && Image.Length == 0 && Attributes.Count == 0;

    /// <summary>The attribute with this key, or null.</summary>
    public TokenAttribute? this[string key] => Attributes.FirstOrDefault(a => a.Key == key);

    internal object?[] ToAbiArguments() =>
    [
        Name, Description, Image,
        Attributes.Select(a => (object?)new object?[] { a.Key, (byte)a.Kind, a.Value }).ToArray(),
    ];

    internal static TokenMetadata FromAbiOutputs(object?[] outputs)
    {
        var attributes = ((object?[])outputs[3]!).Select(item =>
        {
            var fields = (object?[])item!;
            return new TokenAttribute((string)fields[0]!, (AttributeKind)(byte)(BigInteger)fields[1]!, (string)fields[2]!);
        }).ToArray();
        return new TokenMetadata((string)outputs[0]!, (string)outputs[1]!, (string)outputs[2]!, attributes);
    }
}
