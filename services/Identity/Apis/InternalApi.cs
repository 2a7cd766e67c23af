using Microsoft.AspNetCore.Http.HttpResults;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.Identity.Apis;

/// <summary>
/// Service-to-service endpoints. The gateway routes none of them; a request that came through a proxy
/// (it carries X-Forwarded-For) is refused as not found as a second line.
/// </summary>
public static class InternalApi
{
    public sealed record IntrospectRequest(string? KeyHash);

    public static IEndpointRouteBuilder MapInternalApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/internal/api-keys/introspect", Introspect).AllowAnonymous();
        return app;
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
