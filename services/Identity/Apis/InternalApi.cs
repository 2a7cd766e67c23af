using Microsoft.AspNetCore.Http.HttpResults;
using Tokenizer.Identity.Data;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.Identity.Apis;

/// <summary>
/// Service-to-service endpoints. The gateway routes none of them; a request that came through a proxy
/// (it carries X-Forwarded-For) is refused as not found as a second line.
/// </summary>
public static class InternalApi
{
    public sealed record IntrospectRequest(string? KeyHash);

    /// <summary>The account's wallet address (EIP-55) or null when none is set.</summary>
    public sealed record WalletView(string? WalletAddress);

    public static IEndpointRouteBuilder MapInternalApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/internal/api-keys/introspect", Introspect).AllowAnonymous();
        app.MapGet("/internal/users/{id:guid}/wallet", Wallet).AllowAnonymous();
        return app;
    }

    /// <summary>TokenAdmin asks at deploy time, so a token's owner is the wallet set at that moment, not a stale copy.</summary>
    public static async Task<Results<Ok<WalletView>, NotFound>> Wallet(Guid id, HttpContext context, UserStore users, CancellationToken cancellationToken)
    {
        if (context.Request.Headers.ContainsKey("X-Forwarded-For"))
        {
            return TypedResults.NotFound();
        }
        return await users.FindByIdAsync(id, cancellationToken) is { } user ? TypedResults.Ok(new WalletView(user.WalletAddress)) : TypedResults.NotFound();
    }

    public static async Task<Results<Ok<ApiKeyIdentity>, NotFound>> Introspect(
        IntrospectRequest? request, HttpContext context, IApiKeyResolver resolver, CancellationToken cancellationToken)
    {
        if (context.Request.Headers.ContainsKey("X-Forwarded-For") || request?.KeyHash is not { Length: 64 } hash || !hash.All(char.IsAsciiHexDigitLower))
        {
            return TypedResults.NotFound();
        }
        return await resolver.ResolveAsync(hash, cancellationToken) is { } identity ? TypedResults.Ok(identity) : TypedResults.NotFound();
    }
}
