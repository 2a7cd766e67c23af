using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tokenizer.LedgerData.Data;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.LedgerData.Apis;

/// <summary>
/// The operator API's read model (token-app-api.txt, "Data"): <c>GET /data/admin/mints</c>, <c>/burns</c> and
/// <c>/holdings</c>, operator policy only.
/// </summary>
public static class LedgerApi
{
    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/data/admin").RequireAuthorization(TokenizerClaims.Policies.Operator).WithTags("Data");
        group.MapGet("/mints", GetMints)
            .WithSummary("List confirmed mint records")
            .WithDescription("Newest first. Filters: party_id (recipient), instrument_id (token); limit 1–1000 (default 100), offset ≥ 0.")
            .WithDocumentedExamples(LedgerExamples.Mints);
        group.MapGet("/burns", GetBurns)
            .WithSummary("List confirmed burn records")
            .WithDescription("Same query parameters as /data/admin/mints; party_id is the holder the tokens were burned from.")
            .WithDocumentedExamples(LedgerExamples.Burns);
        group.MapGet("/holdings", GetHoldings)
            .WithSummary("Return a snapshot of on-ledger holdings from the latest monitor scan")
            .WithDescription("Filters: party_id (owner), instrument_id; limit 1–100000 (default 100000), offset ≥ 0. total counts every match.")
            .WithDocumentedExamples(LedgerExamples.Holdings);
        return app;
    }

    public static Task<Results<Ok<IReadOnlyList<HistoryRecord>>, NotFound<ErrorDetail>, UnprocessableEntity<ValidationDetail>>> GetMints(
        HistoryQueries history, CancellationToken ct,
        [FromQuery(Name = "party_id")] string? partyId = null, [FromQuery(Name = "instrument_id")] string? instrumentId = null,
        [FromQuery(Name = "limit")] string? limit = null, [FromQuery(Name = "offset")] string? offset = null) =>
        HistoryPageAsync("mint", history, partyId, instrumentId, limit, offset, ct);

    public static Task<Results<Ok<IReadOnlyList<HistoryRecord>>, NotFound<ErrorDetail>, UnprocessableEntity<ValidationDetail>>> GetBurns(
        HistoryQueries history, CancellationToken ct,
        [FromQuery(Name = "party_id")] string? partyId = null, [FromQuery(Name = "instrument_id")] string? instrumentId = null,
        [FromQuery(Name = "limit")] string? limit = null, [FromQuery(Name = "offset")] string? offset = null) =>
        HistoryPageAsync("burn", history, partyId, instrumentId, limit, offset, ct);

    public static async Task<Results<Ok<HoldingsPage>, NotFound<ErrorDetail>, UnprocessableEntity<ValidationDetail>>> GetHoldings(
        HoldingsQueries holdings, HttpResponse response, CancellationToken ct,
        [FromQuery(Name = "party_id")] string? partyId = null, [FromQuery(Name = "instrument_id")] string? instrumentId = null,
        [FromQuery(Name = "limit")] string? limit = null, [FromQuery(Name = "offset")] string? offset = null)
    {
        if (LedgerQuery.TryParse(partyId, instrumentId, limit, offset, LedgerQuery.Holdings, out var errors) is not { } query)
        {
            return LedgerErrors.Invalid(errors);
        }
        return await holdings.PageAsync(query, response, ct) is { } page
            ? TypedResults.Ok(page)
            : LedgerErrors.UnknownInstrument(query.InstrumentId!);
    }

    private static async Task<Results<Ok<IReadOnlyList<HistoryRecord>>, NotFound<ErrorDetail>, UnprocessableEntity<ValidationDetail>>> HistoryPageAsync(
        string kind, HistoryQueries history, string? partyId, string? instrumentId, string? limit, string? offset, CancellationToken ct)
    {
        if (LedgerQuery.TryParse(partyId, instrumentId, limit, offset, LedgerQuery.History, out var errors) is not { } query)
        {
            return LedgerErrors.Invalid(errors);
        }
        return await history.PageAsync(kind, query, ct) is { } rows
            ? TypedResults.Ok(rows)
            : LedgerErrors.UnknownInstrument(query.InstrumentId!);
    }
}
