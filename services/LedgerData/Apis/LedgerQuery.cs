using System.Globalization;

namespace Tokenizer.LedgerData.Apis;

/// <summary>A validated list query: filters in EIP-55, and page bounds within the endpoint's range.</summary>
public sealed record LedgerQuery(string? PartyId, string? InstrumentId, int Limit, int Offset)
{
    /// <summary>History pages: 1–1000, default 100 (token-app-api.txt).</summary>
    public static readonly PageRange History = new(1000, 100);

    /// <summary>Holdings pages: 1–100000, default 100000 (token-app-api.txt).</summary>
    public static readonly PageRange Holdings = new(100_000, 100_000);

    /// <summary>
    /// Parses the raw query values, collecting one error per bad field (FastAPI's shapes and types, as the operator
    /// API document's clients expect). Values are taken as strings so that a non-number is a 422, not a binding 400.
    /// </summary>
    public static LedgerQuery? TryParse(string? partyId, string? instrumentId, string? limit, string? offset, PageRange range, out List<FieldError> errors)
    {
        errors = [];
        var party = Address(partyId, "party_id", errors);
        var instrument = Address(instrumentId, "instrument_id", errors);
        var pageSize = Integer(limit, "limit", range.Default, 1, range.Max, errors);
        var skip = Integer(offset, "offset", 0, 0, int.MaxValue, errors);
        return errors.Count == 0 ? new LedgerQuery(party, instrument, pageSize, skip) : null;
    }

    private static string? Address(string? value, string field, List<FieldError> errors)
    {
        if (value is null)
        {
            return null;
        }
        if (Chain.Primitives.Address.TryParseApi(value, out var address, out var error))
        {
            return address.ToString();
        }
        errors.Add(LedgerErrors.Query(field, error ?? "not a valid address", "value_error.address"));
        return null;
    }

    private static int Integer(string? value, string field, int fallback, int min, int max, List<FieldError> errors)
    {
        if (value is null)
        {
            return fallback;
        }
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            errors.Add(LedgerErrors.Query(field, "value is not a valid integer", "type_error.integer"));
            return fallback;
        }
        if (number < min)
        {
            errors.Add(LedgerErrors.Query(field, $"ensure this value is greater than or equal to {min}", "value_error.number.not_ge"));
            return fallback;
        }
        if (number > max)
        {
            errors.Add(LedgerErrors.Query(field, $"ensure this value is less than or equal to {max}", "value_error.number.not_le"));
            return fallback;
        }
        return (int)number;
    }
}

/// <summary>An endpoint's page-size range.</summary>
public sealed record PageRange(int Max, int Default);
