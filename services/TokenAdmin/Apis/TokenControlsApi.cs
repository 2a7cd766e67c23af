using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tokenizer.Chain.Primitives;
using Tokenizer.ServiceDefaults.Authentication;
using Tokenizer.TokenAdmin.Idempotency;
using Tokenizer.TokenAdmin.Tokens;

namespace Tokenizer.TokenAdmin.Apis;

/// <summary>The token controls: pause, transfer lock, freeze and the allowlist, each a real contract write.</summary>
public static class TokenControlsApi
{
    public static IEndpointRouteBuilder MapTokenControlsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tokens/{address}").RequireAuthorization(TokenizerClaims.Policies.User).WithTags("Token controls")
            .AddEndpointFilter<IdempotencyFilter>();
        group.MapPost("/pause", Pause).WithName("PauseToken").WithSummary("Halt transfers, mints and burns");
        group.MapPost("/unpause", Unpause).WithName("UnpauseToken").WithSummary("Resume transfers, mints and burns");
        group.MapPost("/lock-transfers", LockTransfers).WithName("LockTransfers").WithSummary("Block holder-to-holder transfers (mints still work)");
        group.MapPost("/unlock-transfers", UnlockTransfers).WithName("UnlockTransfers").WithSummary("Allow holder-to-holder transfers again");
        group.MapPost("/freeze", Freeze).WithName("FreezeAccount").WithSummary("Stop an account from sending and receiving")
            .Accepts<AccountExample>("application/json");
        group.MapPost("/unfreeze", Unfreeze).WithName("UnfreezeAccount").WithSummary("Let a frozen account send and receive again")
            .Accepts<AccountExample>("application/json");
        group.MapPost("/approve-account", ApproveAccount).WithName("ApproveAccount")
            .WithSummary("Allow an account to hold and move a permissioned token").Accepts<AccountExample>("application/json");
        group.MapPost("/unapprove-account", UnapproveAccount).WithName("UnapproveAccount")
            .WithSummary("Remove an account from a permissioned token's allowlist").Accepts<AccountExample>("application/json");
        return app;
    }

    public static Task<Ok<SuccessView>> Pause(string address, HttpContext http, TokenWriter writer, CancellationToken ct) =>
        ApplyAsync(address, "pause", null, http, writer, ct);

    public static Task<Ok<SuccessView>> Unpause(string address, HttpContext http, TokenWriter writer, CancellationToken ct) =>
        ApplyAsync(address, "unpause", null, http, writer, ct);

    public static Task<Ok<SuccessView>> LockTransfers(string address, HttpContext http, TokenWriter writer, CancellationToken ct) =>
        ApplyAsync(address, "lock-transfers", null, http, writer, ct);

    public static Task<Ok<SuccessView>> UnlockTransfers(string address, HttpContext http, TokenWriter writer, CancellationToken ct) =>
        ApplyAsync(address, "unlock-transfers", null, http, writer, ct);

    public static Task<Ok<SuccessView>> Freeze(string address, JsonElement body, HttpContext http, TokenWriter writer, CancellationToken ct) =>
        ApplyAsync(address, "freeze", body, http, writer, ct);

    public static Task<Ok<SuccessView>> Unfreeze(string address, JsonElement body, HttpContext http, TokenWriter writer, CancellationToken ct) =>
        ApplyAsync(address, "unfreeze", body, http, writer, ct);

    public static Task<Ok<SuccessView>> ApproveAccount(string address, JsonElement body, HttpContext http, TokenWriter writer, CancellationToken ct) =>
        ApplyAsync(address, "approve-account", body, http, writer, ct);

    public static Task<Ok<SuccessView>> UnapproveAccount(string address, JsonElement body, HttpContext http, TokenWriter writer, CancellationToken ct) =>
        ApplyAsync(address, "unapprove-account", body, http, writer, ct);

    private static async Task<Ok<SuccessView>> ApplyAsync(string address, string action, JsonElement? body, HttpContext http, TokenWriter writer, CancellationToken ct)
    {
        var token = await writer.OwnedTokenAsync(RequestContext.RequireUser(http), address, ct);
        Address? account = body is { } b ? TokenRequests.Account(b) : null;
        await writer.ControlAsync(token, action, account, ct);
        return TypedResults.Ok(new SuccessView(true));
    }

    /// <summary>The documented body of freeze, unfreeze, approve-account and unapprove-account.</summary>
    public sealed record AccountExample(string Account);
}
