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
            .Produces<StatusDocument>(StatusCodes.Status200OK, "application/json")
            .Produces<StatusUnavailable>(StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer(StatusExample.Apply);
        return app;
    }

    public static async Task<IResult> GetStatus(StatusStore store, StatusSnapshotWriter writer, IOptions<ChainSettings> chain, TimeProvider clock)
    {
        var factory = chain.Value.Factory!.Value;
        StatusResponse? stored;
        try
        {
            stored = await store.ReadResponseAsync(factory);
        }
        catch (RedisException)
        {
            // The snapshot lives in Redis; without it there is nothing cached to answer from, and no live query is made.
            return TypedResults.Json(new StatusUnavailable("The status snapshot store is unavailable"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        var now = clock.GetUtcNow();
        return new StatusResult(stored ?? StatusResponse.From(writer.Empty(factory, now)), now);
    }

    /// <summary>The snapshot with its age at the time of the request, written without serializing it again.</summary>
    private sealed class StatusResult(StatusResponse response, DateTimeOffset now) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => response.WriteAsync(httpContext.Response, now);
    }
}
