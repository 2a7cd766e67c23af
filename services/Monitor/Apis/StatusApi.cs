using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tokenizer.Chain.Primitives;
using Tokenizer.Monitor.Status;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.Monitor.Apis;

/// <summary><c>GET /status</c>: the cached snapshot of the monitor loop, never a live chain query.</summary>
public static class StatusApi
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/status", GetStatus)
            .RequireAuthorization(TokenizerClaims.Policies.Operator)
            .WithName("GetStatus")
            .WithSummary("Latest cached snapshot of the token-monitor loop")
            .WithDescription("Per-token supply, holders and concentration from the latest scan, and the monitor's operational figures. " +
                "Served from the snapshot the leader writes each poll interval; age_seconds grows while the loop fails.")
            .Produces<StatusUnavailable>(StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer(StatusExample.Apply);
        return app;
    }

    public static async Task<Results<Ok<StatusDocument>, JsonHttpResult<StatusUnavailable>>> GetStatus(
        StatusStore store, StatusSnapshotWriter writer, IOptions<ChainSettings> chain, TimeProvider clock)
    {
        var factory = chain.Value.Factory!.Value;
        var now = clock.GetUtcNow();
        StatusDocument? stored;
        try
        {
            stored = await store.ReadAsync(factory);
        }
        catch (RedisException)
        {
            // The snapshot lives in Redis; without it there is nothing cached to answer from, and no live query is made.
            return TypedResults.Json(new StatusUnavailable("The status snapshot store is unavailable"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        var document = stored ?? writer.Empty(factory, now);
        var monitor = document.Operational.Monitor;
        var age = monitor.LastSuccessAt is { } last ? Math.Round(Math.Max(0, (now - last).TotalSeconds), 3) : (double?)null;
        document = document with { Operational = document.Operational with { Monitor = monitor with { AgeSeconds = age } } };
        return TypedResults.Ok(document);
    }
}
