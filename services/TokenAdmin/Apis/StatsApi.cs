using Microsoft.AspNetCore.Http.HttpResults;
using Tokenizer.ServiceDefaults.Authentication;
using Tokenizer.TokenAdmin.Quotas;

namespace Tokenizer.TokenAdmin.Apis;

/// <summary><c>GET /stats</c>: the caller's plan and this month's quota.</summary>
public static class StatsApi
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/stats", Get).RequireAuthorization(TokenizerClaims.Policies.User).WithTags("Stats").WithName("GetStats")
            .WithSummary("Plan, monthly limit, used, remaining and when the quota resets (UTC month boundary)");
        return app;
    }

    public static async Task<Ok<StatsView>> Get(HttpContext http, QuotaStore quotas, CancellationToken ct)
    {
        var status = await quotas.StatusAsync(RequestContext.RequireUser(http), RequestContext.PlanClaim(http), ct);
        return TypedResults.Ok(new StatsView(status.Plan, status.Limit, status.Used, status.Remaining, status.ResetsAt.UtcDateTime));
    }
}
