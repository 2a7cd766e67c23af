using Npgsql;
using Tokenizer.LedgerData.Apis;

namespace Tokenizer.LedgerData.Data;

/// <summary>Reads of the confirmed history, newest first.</summary>
public sealed class HistoryQueries(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// A page of <paramref name="kind"/> rows; null when the instrument filter names a token LedgerData has never heard
    /// of. The SQL carries only the filters given, so each shape reads its own index in order (see the README).
    /// </summary>
    public async Task<IReadOnlyList<HistoryRecord>?> PageAsync(string kind, LedgerQuery query, CancellationToken ct)
    {
        var filters = (query.PartyId is null ? "" : " and e.party_id = @party") + (query.InstrumentId is null ? "" : " and e.instrument_id = @instrument");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"""
            select coalesce(n.command_id, e.command_hash), e.created_at, e.party_id, e.instrument_id, e.update_id, e.amount
            from history_events e left join command_names n on n.command_hash = e.command_hash
            where e.kind = @kind{filters}
            order by e.created_at desc, e.block_number desc, e.log_index desc
            limit @limit offset @offset
            """, connection);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("limit", query.Limit);
        command.Parameters.AddWithValue("offset", query.Offset);
        if (query.PartyId is not null)
        {
            command.Parameters.AddWithValue("party", query.PartyId);
        }
        if (query.InstrumentId is not null)
        {
            command.Parameters.AddWithValue("instrument", query.InstrumentId);
        }

        var rows = new List<HistoryRecord>(Math.Min(query.Limit, 1000));
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new HistoryRecord(reader.GetString(0), reader.GetDateTime(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
            }
        }

        // Only an empty page needs to tell "no rows yet" from "no such instrument".
        if (rows.Count == 0 && query.InstrumentId is not null && !await InstrumentQueries.IsKnownAsync(connection, null, query.InstrumentId, ct))
        {
            return null;
        }
        return rows;
    }
}
