using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;
using Tokenizer.TokenAdmin.Apis;

namespace Tokenizer.TokenAdmin.Tokens;

/// <summary>A validated <c>POST /tokens</c>.</summary>
public sealed record DeployRequest(string Kind, string Name, string Symbol, byte Decimals, bool Permissionless, string? BaseUri);

/// <summary>A validated mint: ERC20 amount in base units; ERC721 one new id.</summary>
public sealed record MintRequest(Address Owner, BigInteger Amount);

/// <summary>A validated <c>PUT /tokens/:address/metadata</c>.</summary>
public sealed record MetadataRequest(BigInteger? TokenId, TokenMetadata Metadata);

/// <summary>
/// Reads the self-service bodies field by field, so every mistake is a 422 naming the field (a typed binder would
/// only say the body did not bind).
/// </summary>
public static class TokenRequests
{
    public const int MaxNameLength = 25;
    public const int MaxSymbolLength = 5;
    private static readonly BigInteger MaxUint256 = (BigInteger.One << 256) - 1;

    public static DeployRequest Deploy(JsonElement body)
    {
        RequireObject(body);
        var kind = RequiredString(body, "type");
        if (kind is not (TokenRecord.Erc20 or TokenRecord.Erc721))
        {
            throw ApiErrorException.Validation("type: must be ERC20 or ERC721");
        }
        var name = RequiredString(body, "name").Trim();
        if (name.Length is 0 or > MaxNameLength)
        {
            throw ApiErrorException.Validation($"name: must be 1–{MaxNameLength} characters");
        }
        var symbol = RequiredString(body, "symbol").Trim();
        if (symbol.Length is 0 or > MaxSymbolLength)
        {
            throw ApiErrorException.Validation($"symbol: must be 1–{MaxSymbolLength} characters");
        }
        var permissionless = body.TryGetProperty("isPermissionless", out var p) && p.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? p.GetBoolean()
            : throw ApiErrorException.Validation("isPermissionless: must be true or false");

        byte decimals = 0;
        string? baseUri = null;
        if (kind == TokenRecord.Erc20)
        {
            if (!body.TryGetProperty("decimals", out var d) || d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out var value) || value is < 0 or > 18)
            {
                throw ApiErrorException.Validation("decimals: must be a whole number from 0 to 18");
            }
            decimals = (byte)value;
        }
        else if (body.TryGetProperty("baseUri", out var uri) && uri.ValueKind != JsonValueKind.Null)
        {
            baseUri = uri.ValueKind == JsonValueKind.String ? uri.GetString()! : throw ApiErrorException.Validation("baseUri: must be a string");
            if (Encoding.UTF8.GetByteCount(baseUri) > TokenizerErc721Contract.MaxBaseUriLength)
            {
                throw ApiErrorException.BaseUriTooLong($"baseUri: at most {TokenizerErc721Contract.MaxBaseUriLength} bytes");
            }
            if (!Uri.TryCreate(baseUri, UriKind.Absolute, out _))
            {
                throw ApiErrorException.Validation("baseUri: must be an absolute URI");
            }
        }
        return new DeployRequest(kind, name, symbol, decimals, permissionless, baseUri);
    }

    public static MintRequest Mint(JsonElement body, TokenRecord token)
    {
        RequireObject(body);
        var owner = RequestContext.ParseAddress(RequiredString(body, "owner"), "owner");
        if (owner.IsZero)
        {
            throw ApiErrorException.Validation("owner: must not be the zero address");
        }
        if (token.IsErc721)
        {
            return new MintRequest(owner, BigInteger.One);
        }
        var text = body.TryGetProperty("amount", out var a) && a.ValueKind == JsonValueKind.String
            ? a.GetString()!
            : throw ApiErrorException.Validation("amount: must be a string of base units, e.g. \"1000000000000000000\"");
        if (text.Length is 0 or > 78 || !text.All(char.IsAsciiDigit)
            || !BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            throw ApiErrorException.Validation("amount: must be a whole number of base units, digits only");
        }
        if (amount <= 0 || amount > MaxUint256)
        {
            throw ApiErrorException.Validation("amount: must be at least 1 and at most 2^256-1 base units");
        }
        return new MintRequest(owner, amount);
    }

    public static Address Account(JsonElement body)
    {
        RequireObject(body);
        var account = RequestContext.ParseAddress(RequiredString(body, "account"), "account");
        return account.IsZero ? throw ApiErrorException.Validation("account: must not be the zero address") : account;
    }

    public static MetadataRequest Metadata(JsonElement body, TokenRecord token)
    {
        RequireObject(body);
        BigInteger? tokenId = null;
        if (token.IsErc721)
        {
            tokenId = TokenId(body.TryGetProperty("tokenId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null, "tokenId");
        }
        var name = Text(body, "name", TokenMetadata.MaxNameLength, required: true);
        var description = Text(body, "description", TokenMetadata.MaxDescriptionLength, required: true);
        var image = Text(body, "image", TokenMetadata.MaxImageLength, required: false);
        if (image.Length > 0 && !Uri.TryCreate(image, UriKind.Absolute, out _))
        {
            throw ApiErrorException.Validation("image: must be an absolute URI");
        }
        var attributes = new List<TokenAttribute>();
        if (body.TryGetProperty("attributes", out var attrs) && attrs.ValueKind != JsonValueKind.Null)
        {
            if (attrs.ValueKind != JsonValueKind.Object)
            {
                throw ApiErrorException.Validation("attributes: must be an object of string, number or bool values");
            }
            foreach (var attribute in attrs.EnumerateObject())
            {
                attributes.Add(Attribute(attribute));
            }
            if (attributes.Count > TokenMetadata.MaxAttributes)
            {
                throw ApiErrorException.Validation($"attributes: at most {TokenMetadata.MaxAttributes} keys (got {attributes.Count})");
            }
            if (attributes.Select(a => a.Key).Distinct(StringComparer.Ordinal).Count() != attributes.Count)
            {
                throw ApiErrorException.Validation("attributes: a key appears twice");
            }
        }
        return new MetadataRequest(tokenId, new TokenMetadata(name, description, image, attributes));
    }

    /// <summary>An ERC721 token id: a decimal string of a whole number ≥ 1.</summary>
    public static BigInteger TokenId(string? text, string field) =>
        text is { Length: > 0 and <= 78 } && text.All(char.IsAsciiDigit)
        && BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 && id <= MaxUint256
            ? id
            : throw ApiErrorException.Validation($"{field}: must be a token id (a whole number ≥ 1, as a decimal string)");

    private static TokenAttribute Attribute(JsonProperty attribute)
    {
        var key = attribute.Name;
        if (key.Length == 0 || Encoding.UTF8.GetByteCount(key) > TokenMetadata.MaxAttributeKeyLength)
        {
            throw ApiErrorException.Validation($"attributes: keys must be 1–{TokenMetadata.MaxAttributeKeyLength} bytes");
        }
        var value = attribute.Value;
        var parsed = value.ValueKind switch
        {
            JsonValueKind.String => TokenAttribute.String(key, value.GetString()!),
            JsonValueKind.True or JsonValueKind.False => TokenAttribute.Bool(key, value.GetBoolean()),
            JsonValueKind.Number when value.TryGetDecimal(out var number) => TokenAttribute.Number(key, number),
            _ => throw ApiErrorException.Validation($"attributes.{key}: must be a string, number or bool"),
        };
        if (Encoding.UTF8.GetByteCount(parsed.Value) > TokenMetadata.MaxAttributeValueLength)
        {
            throw ApiErrorException.Validation($"attributes.{key}: at most {TokenMetadata.MaxAttributeValueLength} bytes");
        }
        return parsed;
    }

    private static string Text(JsonElement body, string field, int maxBytes, bool required)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw ApiErrorException.Validation($"{field}: is required") : "";
        }
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw ApiErrorException.Validation($"{field}: must be a string");
        return Encoding.UTF8.GetByteCount(text) > maxBytes ? throw ApiErrorException.Validation($"{field}: at most {maxBytes} bytes") : text;
    }

    private static string RequiredString(JsonElement body, string field) =>
        body.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw ApiErrorException.Validation($"{field}: is required and must be a string");

    private static void RequireObject(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw ApiErrorException.Validation("Request body must be a JSON object");
        }
    }
}
