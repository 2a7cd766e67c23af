using Tokenizer.Chain.Primitives;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.TokenAdmin.Apis;

/// <summary>Who is asking, and the address arguments of the self-service API, checked the documented way.</summary>
public static class RequestContext
{
    /// <summary>The account id; operator clients (no account) cannot own tokens.</summary>
    public static Guid RequireUser(HttpContext http) =>
        http.UserId() ?? throw ApiErrorException.Forbidden("Only accounts can own and manage tokens");

    public static string? PlanClaim(HttpContext http) => http.User.FindFirst(TokenizerClaims.Plan)?.Value;

    /// <summary>An EVM address (lower, upper or valid EIP-55 case), or 422 naming <paramref name="field"/>.</summary>
    public static Address ParseAddress(string? text, string field) =>
        Address.TryParseApi(text, out var address, out var error)
            ? address
            : throw ApiErrorException.Validation($"{field}: {error ?? "must be a 0x-prefixed 20-byte hex address"}");
}
