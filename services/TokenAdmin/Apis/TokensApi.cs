using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tokenizer.ServiceDefaults.Authentication;
using Tokenizer.TokenAdmin.Idempotency;
using Tokenizer.TokenAdmin.Tokens;

namespace Tokenizer.TokenAdmin.Apis;

/// <summary><c>GET/POST /tokens</c>, <c>GET /tokens/:address</c> and <c>POST /tokens/:address/mint</c>.</summary>
public static class TokensApi
{
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tokens").RequireAuthorization(TokenizerClaims.Policies.User).WithTags("Tokens");
        group.MapGet("", List).WithName("ListTokens").WithSummary("The caller's tokens, newest first");
        group.MapPost("", Deploy).WithName("DeployToken")
            .WithSummary("Deploy an ERC20 or ERC721 token (takes 1 unit of the monthly quota)")
            .WithDescription("""
                Answers once the deploy transaction is included and succeeded. Idempotency-Key: a repeat returns the first answer.

                ERC20: `{"type":"ERC20","name":"My Coin","symbol":"MYC","decimals":18,"isPermissionless":true}`
                ERC721: `{"type":"ERC721","name":"My Art","symbol":"ART","isPermissionless":false,"baseUri":"https://cdn.example.com/meta/"}`

                200: `{"success":true,"data":{"address":"0x…","type":"ERC20","name":"My Coin","symbol":"MYC","createdAt":"2026-01-01T00:00:00Z","transaction":{"hash":"0x…","explorerUrl":"http://…/tx/0x…"}}}`
                Errors: 403 QUOTA_EXCEEDED, 422 VALIDATION_ERROR or BASE_URI_TOO_LONG, 502 CHAIN_ERROR, 503 DEPLOY_UNAVAILABLE.
                """)
            .Accepts<DeployTokenExample>("application/json")
            .AddEndpointFilter<IdempotencyFilter>();
        group.MapGet("/{address}", Get).WithName("GetToken").WithSummary("One of the caller's tokens with its live control state");
        group.MapPost("/{address}/mint", Mint).WithName("MintToken")
            .WithSummary("Mint to an account (takes 1 unit of the monthly quota); ERC721 answers the new token id")
            .WithDescription("""
                ERC20: `{"owner":"0x…","amount":"1000000000000000000"}` (base units). ERC721: `{"owner":"0x…"}` mints the next id.

                200: `{"success":true,"data":{"transaction":{"hash":"0x…","explorerUrl":"…"}}}` (ERC721 adds `"tokenId":"1"`).
                Errors: 403 FORBIDDEN or QUOTA_EXCEEDED, 404 NOT_FOUND, 409 CONFLICT (paused, frozen or unapproved recipient), 422, 502 CHAIN_ERROR.
                """)
            .Accepts<MintExample>("application/json")
            .AddEndpointFilter<IdempotencyFilter>();
        return app;
    }

    public static async Task<Ok<TokenSummaryView[]>> List(HttpContext http, TokenStore tokens, TokenWriter writer, CancellationToken ct)
    {
        var userId = RequestContext.RequireUser(http);
        var list = await tokens.ListAsync(writer.Factory, userId, ct);
        return TypedResults.Ok(list.Select(t => new TokenSummaryView(t.Address, t.Kind, t.Name, t.Symbol, t.CreatedAt.UtcDateTime)).ToArray());
    }

    public static async Task<Ok<SuccessView<DeployedTokenView>>> Deploy(
        JsonElement body, HttpContext http, TokenWriter writer, IOptionsMonitor<SelfServiceOptions> options, CancellationToken ct)
    {
        var userId = RequestContext.RequireUser(http);
        var request = TokenRequests.Deploy(body);
        var (token, write) = await writer.DeployAsync(userId, RequestContext.PlanClaim(http), request, IdempotencyFilter.KeyOf(http), ct);
        return TypedResults.Ok(new SuccessView<DeployedTokenView>(true, new DeployedTokenView(token.Address, token.Kind, token.Name, token.Symbol,
            token.CreatedAt.UtcDateTime, new TransactionView(write.TransactionHash, options.CurrentValue.ExplorerUrl(write.TransactionHash)))));
    }

    public static async Task<Ok<TokenDetailsView>> Get(string address, HttpContext http, TokenWriter writer, CancellationToken ct)
    {
        var token = await writer.OwnedTokenAsync(RequestContext.RequireUser(http), address, ct);
        var contract = TokenWriter.Contract(await writer.ChainAsync(ct), token);
        var paused = await contract.PausedAsync(ct: ct);
        var locked = await contract.TransfersLockedAsync(ct: ct);
        return TypedResults.Ok(new TokenDetailsView(token.Address, token.Kind, token.Name, token.Symbol, paused, locked, token.Permissionless,
            token.Owner, token.Creator.ToString()));
    }

    public static async Task<Ok<SuccessView<MintView>>> Mint(
        string address, JsonElement body, HttpContext http, TokenWriter writer, IOptionsMonitor<SelfServiceOptions> options, CancellationToken ct)
    {
        var userId = RequestContext.RequireUser(http);
        var token = await writer.OwnedTokenAsync(userId, address, ct);
        var request = TokenRequests.Mint(body, token);
        var write = await writer.MintAsync(userId, RequestContext.PlanClaim(http), token, request, IdempotencyFilter.KeyOf(http), ct);
        return TypedResults.Ok(new SuccessView<MintView>(true, new MintView(
            new TransactionView(write.TransactionHash, options.CurrentValue.ExplorerUrl(write.TransactionHash)), write.TokenId)));
    }

    /// <summary>The documented ERC20 deploy body, for the OpenAPI document (ERC721: no decimals, optional baseUri).</summary>
    public sealed record DeployTokenExample(string Type, string Name, string Symbol, int? Decimals, bool IsPermissionless, string? BaseUri);

    /// <summary>The documented mint body (amount in base units, ERC20 only).</summary>
    public sealed record MintExample(string Owner, string? Amount);
}
