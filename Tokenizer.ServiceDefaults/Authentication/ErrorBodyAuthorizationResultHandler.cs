using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Tokenizer.ServiceDefaults.Authentication;

/// <summary>Challenges and forbids as the schemes do (status, WWW-Authenticate) and adds the documented body.</summary>
internal sealed class ErrorBodyAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            await context.ChallengeAsync();
            await ErrorResponses.WriteAsync(context, StatusCodes.Status401Unauthorized, "UNAUTHORIZED",
                "Missing, invalid or expired credentials");
            return;
        }
        if (authorizeResult.Forbidden)
        {
            await context.ForbidAsync();
            await ErrorResponses.WriteAsync(context, StatusCodes.Status403Forbidden, "FORBIDDEN",
                ErrorResponses.IsOperatorPath(context.Request.Path) ? "Operator role required" : "Not allowed");
            return;
        }
        await next(context);
    }
}
