using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tokenizer.Chain.Primitives;
using Tokenizer.Identity.Data;
using Tokenizer.Identity.Security;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.Identity.Apis;

/// <summary><c>GET /me</c> and <c>PATCH /me</c> (wallet address).</summary>
public static class ProfileApi
{
    public sealed record Profile(string Id, string Email, string Plan, string? WalletAddress, DateTime CreatedAt);

    public static IEndpointRouteBuilder MapProfileApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/me").RequireAuthorization(TokenizerClaims.Policies.User);
        group.MapGet("", Get);
        group.MapPatch("", Update);
        return app;
    }

    public static async Task<Results<Ok<Profile>, JsonHttpResult<ApiError>>> Get(HttpContext context, UserStore users, CancellationToken cancellationToken)
    {
        if (context.UserId() is not { } userId)
        {
            return ApiErrors.Forbidden("Only accounts have a profile");
        }
        return await users.FindByIdAsync(userId, cancellationToken) is { } user
            ? TypedResults.Ok(View(user))
            : ApiErrors.NotFound("Account not found");
    }

    /// <summary>
    /// Body <c>{"walletAddress": "0x..." | null}</c>: a string sets it (EIP-55 checksummed), null clears it, an
    /// absent field changes nothing. Other fields are ignored.
    /// </summary>
    public static async Task<Results<Ok<Profile>, JsonHttpResult<ApiError>>> Update(
        JsonElement body, HttpContext context, UserStore users, CancellationToken cancellationToken)
    {
        if (context.UserId() is not { } userId)
        {
            return ApiErrors.Forbidden("Only accounts have a profile");
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiErrors.Validation("Request body must be a JSON object");
        }
        UserAccount? user;
        if (body.TryGetProperty("walletAddress", out var wallet))
        {
            string? address = null;
            switch (wallet.ValueKind)
            {
                case JsonValueKind.Null:
                    break;
                case JsonValueKind.String:
                    if (!Address.TryParseApi(wallet.GetString(), out var parsed, out var error))
                    {
                        return ApiErrors.Validation("walletAddress: " + error);
                    }
                    address = parsed.ToString(); // EIP-55 checksummed
                    break;
                default:
                    return ApiErrors.Validation("walletAddress must be a string or null");
            }
            user = await users.SetWalletAddressAsync(userId, address, cancellationToken);
        }
        else
        {
            user = await users.FindByIdAsync(userId, cancellationToken);
        }
        return user is null ? ApiErrors.NotFound("Account not found") : TypedResults.Ok(View(user));
    }

    public static Profile View(UserAccount user) => new(user.Id.ToString(), user.Email, user.Plan, user.WalletAddress, user.CreatedAt);
}
