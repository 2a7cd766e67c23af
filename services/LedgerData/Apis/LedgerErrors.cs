using Microsoft.AspNetCore.Http.HttpResults;

namespace Tokenizer.LedgerData.Apis;

/// <summary>The operator API's error bodies: <c>{"detail": "..."}</c>, and 422 <c>{"detail": [{"loc","msg","type"}]}</c>.</summary>
public sealed record ErrorDetail(string Detail);

/// <summary>One bad field of a request.</summary>
public sealed record FieldError(string[] Loc, string Msg, string Type);

/// <summary>A 422 body: one entry per bad field.</summary>
public sealed record ValidationDetail(IReadOnlyList<FieldError> Detail);

/// <summary>The one place LedgerData's request errors get their documented shapes.</summary>
public static class LedgerErrors
{
    public static UnprocessableEntity<ValidationDetail> Invalid(IReadOnlyList<FieldError> errors) => TypedResults.UnprocessableEntity(new ValidationDetail(errors));

    public static NotFound<ErrorDetail> UnknownInstrument(string instrumentId) => TypedResults.NotFound(new ErrorDetail($"Instrument {instrumentId} not found"));

    public static FieldError Query(string field, string msg, string type) => new(["query", field], msg, type);
}
