using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tokenizer.Chain.Contracts;
using Tokenizer.ServiceDefaults.Authentication;
using Tokenizer.TokenAdmin.Idempotency;
using Tokenizer.TokenAdmin.Tokens;

namespace Tokenizer.TokenAdmin.Apis;

/// <summary>On-chain metadata: <c>PUT /tokens/:address/metadata</c> and <c>GET /tokens/:address/metadata/keys</c>.</summary>
public static class TokenMetadataApi
{
    public static IEndpointRouteBuilder MapTokenMetadataApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tokens/{address}/metadata").RequireAuthorization(TokenizerClaims.Policies.User).WithTags("Token metadata");
        group.MapPut("", Put).WithName("SetTokenMetadata")
            .WithSummary("Replace the on-chain metadata of an ERC20 token, or of one ERC721 token id (at most 13 attributes)")
            .Accepts<MetadataExample>("application/json")
            .AddEndpointFilter<IdempotencyFilter>();
        group.MapGet("/keys", Keys).WithName("GetTokenMetadataKeys")
            .WithSummary("The attribute keys on chain (ERC721: ?tokenId= required), as a JSON array of strings");
        return app;
    }

    public static async Task<Ok<SuccessView>> Put(string address, JsonElement body, HttpContext http, TokenWriter writer, CancellationToken ct)
    {
        var token = await writer.OwnedTokenAsync(RequestContext.RequireUser(http), address, ct);
        var request = TokenRequests.Metadata(body, token);
        await writer.SetMetadataAsync(token, request, ct);
        return TypedResults.Ok(new SuccessView(true));
    }

    public static async Task<Ok<IReadOnlyList<string>>> Keys(string address, string? tokenId, HttpContext http, TokenWriter writer, CancellationToken ct)
    {
        var token = await writer.OwnedTokenAsync(RequestContext.RequireUser(http), address, ct);
        var contract = TokenWriter.Contract(await writer.ChainAsync(ct), token);
        if (contract is TokenizerErc721Contract erc721)
        {
            var id = TokenRequests.TokenId(tokenId, "tokenId");
            await TokenWriter.RequireTokenIdAsync(erc721, id, ct);
            return TypedResults.Ok(await erc721.MetadataKeysAsync(id, ct: ct));
        }
        return TypedResults.Ok(await ((TokenizerErc20Contract)contract).MetadataKeysAsync(ct: ct));
    }

    /// <summary>The documented metadata body (tokenId for ERC721 only).</summary>
    public sealed record MetadataExample(string? TokenId, string Name, string Description, string? Image, Dictionary<string, object>? Attributes);
}
