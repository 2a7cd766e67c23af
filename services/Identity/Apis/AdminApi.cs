using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tokenizer.Identity.Data;
using Tokenizer.Identity.Security;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.Identity.Apis;

/// <summary>
/// Operator endpoints (operator API error shapes): <c>PUT /api/admin/users/{id}/plan</c>,
/// <c>PUT /api/admin/users/{id}/role</c>, <c>POST /api/admin/signing-keys/rotate</c>.
/// </summary>
public static class AdminApi
{
    public sealed record Detail(string detail);
    public sealed record FieldError(string[] loc, string msg, string type);
    public sealed record ValidationDetail(FieldError[] detail);
    public sealed record AdminUser(string Id, string Email, string Plan, string Role, string? WalletAddress, DateTime CreatedAt);
    public sealed record RotatedKey(string Kid, DateTime ActivatesAt);

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").RequireAuthorization(TokenizerClaims.Policies.Operator);
        group.MapPut("/users/{id}/plan", ChangePlan);
        group.MapPut("/users/{id}/role", ChangeRole);
        group.MapPost("/signing-keys/rotate", RotateSigningKey);
        return app;
    }

    public static async Task<Results<Ok<AdminUser>, NotFound<Detail>, UnprocessableEntity<ValidationDetail>>> ChangePlan(
        string id, JsonElement body, UserStore users, ApiKeyStore keys, ApiKeyCacheWriter cache, CancellationToken cancellationToken)
    {
        if (ReadEnum(body, "plan", TokenizerClaims.Plans.All) is not { } plan)
        {
            return Invalid("plan", $"plan must be one of {string.Join(", ", TokenizerClaims.Plans.All)}");
        }
        if (!Guid.TryParse(id, out var userId) || await users.ChangePlanAsync(userId, plan, cancellationToken) is not { } user)
        {
            return TypedResults.NotFound(new Detail("User not found"));
        }
        await cache.RefreshAsync(user, await keys.ActiveKeysAsync(user.Id, cancellationToken));
        return TypedResults.Ok(View(user));
    }

    public static async Task<Results<Ok<AdminUser>, NotFound<Detail>, UnprocessableEntity<ValidationDetail>>> ChangeRole(
        string id, JsonElement body, UserStore users, ApiKeyStore keys, ApiKeyCacheWriter cache, CancellationToken cancellationToken)
    {
        string[] roles = [TokenizerClaims.Roles.User, TokenizerClaims.Roles.Operator];
        if (ReadEnum(body, "role", roles) is not { } role)
        {
            return Invalid("role", "role must be one of user, operator");
        }
        if (!Guid.TryParse(id, out var userId) || await users.SetRoleAsync(userId, role, cancellationToken) is not { } user)
        {
            return TypedResults.NotFound(new Detail("User not found"));
        }
        await cache.RefreshAsync(user, await keys.ActiveKeysAsync(user.Id, cancellationToken));
        return TypedResults.Ok(View(user));
    }

    public static async Task<Ok<RotatedKey>> RotateSigningKey(SigningKeyStore signingKeys, CancellationToken cancellationToken)
    {
        var key = (await signingKeys.RotateAsync(cancellationToken))!;
        return TypedResults.Ok(new RotatedKey(key.Kid, key.ActivatesAt));
    }

    private static string? ReadEnum(JsonElement body, string field, string[] allowed) =>
        body.ValueKind == JsonValueKind.Object
        && body.TryGetProperty(field, out var value)
        && value.ValueKind == JsonValueKind.String
        && allowed.Contains(value.GetString(), StringComparer.Ordinal)
            ? value.GetString()
            : null;

    private static UnprocessableEntity<ValidationDetail> Invalid(string field, string message) =>
        TypedResults.UnprocessableEntity(new ValidationDetail([new FieldError(["body", field], message, "value_error")]));

    private static AdminUser View(UserAccount user) => new(user.Id.ToString(), user.Email, user.Plan, user.Role, user.WalletAddress, user.CreatedAt);
}
