using System.Data;
using System.Runtime.CompilerServices;
using Npgsql;
using Tokenizer.LedgerData.Apis;

namespace Tokenizer.LedgerData.Data;

/// <summary>Reads of the latest holdings snapshots.</summary>
public sealed class HoldingsQueries(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The page, with its total and scan time read in the same repeatable-read snapshot as the rows, so a scan committed
    /// meanwhile changes neither. The rows are streamed: the connection stays open until the response is written
    /// (<paramref name="response"/> disposes it). Null when the instrument filter names an unknown token.
    /// </summary>
    public async Task<HoldingsPage?> PageAsync(LedgerQuery query, HttpResponse response, CancellationToken ct)
    {
        var filters = (query.PartyId is null ? "" : " and h.party_id = @party") + (query.InstrumentId is null ? "" : " and h.instrument_id = @instrument");
        var connection = await dataSource.OpenConnectionAsync(ct);
        response.RegisterForDisposeAsync(connection);
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        response.RegisterForDisposeAsync(transaction);

        if (query.InstrumentId is not null && !await InstrumentQueries.IsKnownAsync(connection, transaction, query.InstrumentId, ct))
        {
            return null;
        }

        long total;
        DateTime? scannedAt;
        await using (var head = new NpgsqlCommand(
            $"""
            select (select count(*) from holdings h where true{filters}),
                   (select max(scanned_at) from holding_snapshots{(query.InstrumentId is null ? "" : " where instrument_id = @instrument")})
            """, connection, transaction))
        {
            AddFilters(head, query);
            await using var reader = await head.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            total = reader.GetInt64(0);
            scannedAt = reader.IsDBNull(1) ? null : reader.GetDateTime(1);
        }

        var rows = new NpgsqlCommand(
            $"""
            select h.holding_cid, h.party_id, h.instrument_id, h.amount, h.locked from holdings h
            where true{filters}
            order by h.instrument_id, h.holding_cid
            limit @limit offset @offset
            """, connection, transaction);
        AddFilters(rows, query);
        rows.Parameters.AddWithValue("limit", query.Limit);
        rows.Parameters.AddWithValue("offset", query.Offset);
        return new HoldingsPage(new ScanInfo(scannedAt), total, StreamAsync(rows, ct));
    }

    private static async IAsyncEnumerable<HoldingRecord> StreamAsync(NpgsqlCommand command, [EnumeratorCancellation] CancellationToken ct)
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            while (await reader.ReadAsync(ct))
            {
                yield return new HoldingRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetBoolean(4));
            }
        }
    }

    private static void AddFilters(NpgsqlCommand command, LedgerQuery query)
    {
        if (query.PartyId is not null)
        {
            command.Parameters.AddWithValue("party", query.PartyId);
        }
        if (query.InstrumentId is not null)
        {
            command.Parameters.AddWithValue("instrument", query.InstrumentId);
        }
    }
}
