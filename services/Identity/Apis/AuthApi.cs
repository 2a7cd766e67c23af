using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Tokenizer.Identity.Data;
using Tokenizer.Identity.Security;

namespace Tokenizer.Identity.Apis;

/// <summary><c>POST /auth/signup</c> and <c>POST /auth/signin</c> (anonymous).</summary>
public static class AuthApi
{
    public sealed record CredentialsRequest(string? Email, string? Password);
    public sealed record UserSummary(string Id, string Email, string Plan);
    public sealed record AuthResponse(string Token, UserSummary User);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/auth").AllowAnonymous();
        group.MapPost("/signup", SignUp);
        group.MapPost("/signin", SignIn);
        return app;
    }

    public static async Task<Results<Ok<AuthResponse>, JsonHttpResult<ApiError>>> SignUp(
        CredentialsRequest? request, UserStore users, Credentials credentials, TokenIssuer tokens, CancellationToken cancellationToken)
    {
        var email = Credentials.NormalizeEmail(request?.Email, out var emailError);
        if (email is null)
        {
            return ApiErrors.Validation(emailError);
        }
        if (Credentials.PasswordError(request!.Password) is { } passwordError)
        {
            return ApiErrors.Validation(passwordError);
        }
        if (await users.FindByEmailAsync(email, cancellationToken) is not null)
        {
            return ApiErrors.Conflict("An account with this e-mail already exists");
        }
        UserAccount user;
        try
        {
            user = await users.CreateAsync(email, credentials.Hash(request.Password!), cancellationToken);
        }
        catch (PostgresException ex) when (ex.IsUniqueViolation())
        {
            // A concurrent sign-up with the same e-mail won the race.
            return ApiErrors.Conflict("An account with this e-mail already exists");
        }
        return TypedResults.Ok(await ResponseAsync(user, tokens, cancellationToken));
    }

    public static async Task<Results<Ok<AuthResponse>, JsonHttpResult<ApiError>>> SignIn(
        CredentialsRequest? request, UserStore users, Credentials credentials, TokenIssuer tokens, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request?.Email) || string.IsNullOrEmpty(request.Password))
        {
            return ApiErrors.Validation("email and password are required");
        }
        var user = request.Email.Length <= Credentials.MaxEmailLength ? await users.FindByEmailAsync(request.Email.Trim(), cancellationToken) : null;
        // Verify even when there is no such account (against a dummy hash): same answer, similar time.
        var valid = credentials.Verify(user?.PasswordHash, request.Password.Length <= Credentials.MaxPasswordLength ? request.Password : "");
        if (user is null || !valid || request.Password.Length > Credentials.MaxPasswordLength)
        {
            return ApiErrors.Unauthorized("Invalid e-mail or password");
        }
        return TypedResults.Ok(await ResponseAsync(user, tokens, cancellationToken));
    }

    private static async Task<AuthResponse> ResponseAsync(UserAccount user, TokenIssuer tokens, CancellationToken cancellationToken) =>
        new(await tokens.ForUserAsync(user.Id, user.Email, user.Plan, user.Role, cancellationToken),
            new UserSummary(user.Id.ToString(), user.Email, user.Plan));
}
