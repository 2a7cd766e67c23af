using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tokenizer.Identity.Data;
using Tokenizer.Identity.Security;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.Identity.Apis;

/// <summary><c>/api-keys</c>: create (key shown once), list, revoke. The caller's own keys only.</summary>
public static class ApiKeysApi
{
    public const int MaxNameLength = 100;

    public sealed record CreateApiKeyRequest(string? Name);
    public sealed record CreatedApiKey(string Id, string? Name, string Key, string KeyPrefix, DateTime CreatedAt);
    public sealed record ApiKeyView(string Id, string? Name, string KeyPrefix, DateTime? RevokedAt, DateTime CreatedAt);

    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api-keys").RequireAuthorization(TokenizerClaims.Policies.User);
        group.MapPost("", Create);
        group.MapGet("", List);
        group.MapDelete("/{id}", Revoke);
        return app;
    }

    public static async Task<Results<Ok<CreatedApiKey>, JsonHttpResult<ApiError>>> Create(
        CreateApiKeyRequest? request, HttpContext context, ApiKeyStore keys, IOptions<IdentityOptions> options, CancellationToken cancellationToken)
    {
        if (context.UserId() is not { } userId)
        {
            return ApiErrors.Forbidden("Only accounts have API keys");
        }
        var name = string.IsNullOrWhiteSpace(request?.Name) ? null : request.Name.Trim();
        if (name is { Length: > MaxNameLength })
        {
            return ApiErrors.Validation($"name must be at most {MaxNameLength} characters");
        }
        if (await keys.CreateAsync(userId, name, options.Value.MaxActiveApiKeys, cancellationToken) is not { } created)
        {
            return ApiErrors.Validation($"An account may hold at most {options.Value.MaxActiveApiKeys} active API keys; revoke one first");
        }
        var record = created.Record;
        return TypedResults.Ok(new CreatedApiKey(record.Id.ToString(), record.Name, created.Key, record.KeyPrefix, record.CreatedAt));
    }

    public static async Task<Results<Ok<IEnumerable<ApiKeyView>>, JsonHttpResult<ApiError>>> List(
        HttpContext context, ApiKeyStore keys, CancellationToken cancellationToken)
    {
        if (context.UserId() is not { } userId)
        {
            return ApiErrors.Forbidden("Only accounts have API keys");
        }
        var list = await keys.ListAsync(userId, cancellationToken);
        return TypedResults.Ok(list.Select(View));
    }

    public static async Task<Results<Ok<ApiKeyView>, JsonHttpResult<ApiError>>> Revoke(
        string id, HttpContext context, ApiKeyStore keys, ApiKeyCacheWriter cache, CancellationToken cancellationToken)
    {
        if (context.UserId() is not { } userId)
        {
            return ApiErrors.Forbidden("Only accounts have API keys");
        }
        if (!Guid.TryParse(id, out var keyId))
        {
            return ApiErrors.NotFound("API key not found");
        }
        // The tombstone is written before the commit and again after it, so no request sees the key as valid
        // once this answers, whichever order a concurrent look-up takes.
        var (outcome, key) = await keys.RevokeAsync(userId, keyId, record => cache.TombstoneAsync(record.KeyHash), cancellationToken);
        switch (outcome)
        {
            case RevokeOutcome.NotFound:
                return ApiErrors.NotFound("API key not found");
            case RevokeOutcome.AlreadyRevoked:
                return ApiErrors.Conflict("API key is already revoked");
            default:
                await cache.TombstoneAsync(key!.KeyHash);
                return TypedResults.Ok(View(key));
        }
    }

    private static ApiKeyView View(ApiKeyRecord key) => new(key.Id.ToString(), key.Name, key.KeyPrefix, key.RevokedAt, key.CreatedAt);
}
