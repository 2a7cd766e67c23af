using System.Numerics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Tokenizer.Chain.Contracts;
using Tokenizer.TokenAdmin.Tokens;

namespace Tokenizer.TokenAdmin.Apis;

/// <summary>
/// The public <c>GET /tokenURI/:address/:tokenId?</c>: the metadata JSON wallets and marketplaces read. ERC721
/// contracts' <c>tokenURI(id)</c> resolves here. Served through the Redis cache, which a metadata change clears.
/// </summary>
public static class TokenUriApi
{
    public static IEndpointRouteBuilder MapTokenUriApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/tokenURI/{address}/{tokenId?}", Get).AllowAnonymous().WithTags("Token URI").WithName("GetTokenUri")
            .WithSummary("Public metadata JSON of an ERC20 token (no tokenId) or an ERC721 token id");
        return app;
    }

    public static async Task<ContentHttpResult> Get(string address, string? tokenId, TokenStore tokens, TokenWriter writer, TokenUriCache cache, CancellationToken ct)
    {
        var parsed = RequestContext.ParseAddress(address, "address");
        var token = await tokens.FindAsync(writer.Factory, parsed, ct) ?? throw ApiErrorException.NotFound($"No token at {parsed}");
        BigInteger? id = null;
        if (token.IsErc721)
        {
            id = tokenId is null ? throw ApiErrorException.NotFound("An ERC721 token URI names a token id: /tokenURI/{address}/{tokenId}") : ParseId(tokenId);
        }
        else if (tokenId is not null)
        {
            throw ApiErrorException.NotFound("An ERC20 token has one token URI, without a token id");
        }

        if (await cache.GetAsync(token.Address, id) is { } cached)
        {
            return TypedResults.Text(cached, "application/json");
        }
        var contract = TokenWriter.Contract(await writer.ChainAsync(ct), token);
        TokenMetadata metadata;
        if (contract is TokenizerErc721Contract erc721)
        {
            await TokenWriter.RequireTokenIdAsync(erc721, id!.Value, ct);
            metadata = await erc721.GetTokenMetadataAsync(id.Value, ct: ct);
        }
        else
        {
            metadata = await ((TokenizerErc20Contract)contract).GetMetadataAsync(ct: ct);
        }
        var json = Render(token, id, metadata);
        await cache.SetAsync(token.Address, id, json);
        return TypedResults.Text(json, "application/json");
    }

    private static BigInteger ParseId(string text)
    {
        try
        {
            return TokenRequests.TokenId(text, "tokenId");
        }
        catch (ApiErrorException)
        {
            throw ApiErrorException.NotFound($"No token id {text}");
        }
    }

    /// <summary>Without metadata set, the name is the token's (and its id for ERC721) and the other fields are empty.</summary>
    private static string Render(TokenRecord token, BigInteger? id, TokenMetadata metadata)
    {
        var attributes = new JsonObject();
        foreach (var attribute in metadata.Attributes)
        {
            attributes[attribute.Key] = attribute.TypedValue switch
            {
                decimal number => JsonValue.Create(number),
                bool flag => JsonValue.Create(flag),
                var text => JsonValue.Create(text.ToString()),
            };
        }
        var name = metadata.Name.Length > 0 ? metadata.Name : id is null ? token.Name : $"{token.Name} #{id}";
        return new JsonObject
        {
            ["name"] = name,
            ["description"] = metadata.Description,
            ["image"] = metadata.Image,
            ["attributes"] = attributes,
        }.ToJsonString();
    }
}
