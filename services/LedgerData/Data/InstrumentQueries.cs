using Npgsql;

namespace Tokenizer.LedgerData.Data;

/// <summary>Whether LedgerData has heard of a token (deployed, in history or in a scan).</summary>
public static class InstrumentQueries
{
    public static async Task<bool> IsKnownAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string instrumentId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select exists (select 1 from instruments where instrument_id = @id)", connection, transaction);
        command.Parameters.AddWithValue("id", instrumentId);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
