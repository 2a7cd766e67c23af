using Npgsql;
using NpgsqlTypes;
using Tokenizer.Messages.Monitor;

namespace Tokenizer.LedgerData.Ingest;

/// <summary>
/// Replaces a token's holdings with a newer scan in one transaction (readers see the old snapshot or the new one,
/// never a mix). Scans are ordered by scan id within a feed; a scan of the same token from another feed (another
/// deployment reading the same chain) replaces it only when it is at least as recent by its scan time.
/// </summary>
public sealed partial class HoldingsIngest(NpgsqlDataSource dataSource, ILogger<HoldingsIngest> logger)
{
    public async Task<bool> ApplyAsync(HoldingsScanned scan, CancellationToken ct)
    {
        var feed = FeedValues.FeedKey(scan.Factory);
        var instrument = FeedValues.Checksummed(scan.InstrumentId, "InstrumentId");
        var rows = Rows(scan);

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var current = new NpgsqlCommand(
            """
            select pg_advisory_xact_lock(hashtextextended('holdings:' || @instrument, 0));
            select feed, scan_id, scanned_at from holding_snapshots where instrument_id = @instrument;
            """, connection, transaction))
        {
            current.Parameters.AddWithValue("instrument", instrument);
            await using var reader = await current.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                var newer = reader.GetString(0) == feed
                    ? scan.ScanId > reader.GetInt64(1)
                    : scan.ScannedAt.UtcDateTime >= reader.GetDateTime(2);
                if (!newer)
                {
                    LogIgnored(logger, instrument, scan.ScanId);
                    return false;
                }
            }
        }

        await using (var replace = new NpgsqlCommand(
            """
            delete from holdings where instrument_id = @instrument;
            insert into holding_snapshots (instrument_id, feed, scan_id, scanned_at, block_number)
            values (@instrument, @feed, @scanId, @scannedAt, @block)
            on conflict (instrument_id) do update set feed = excluded.feed, scan_id = excluded.scan_id,
                scanned_at = excluded.scanned_at, block_number = excluded.block_number;
            insert into instruments (instrument_id, token_type, decimals) values (@instrument, @tokenType, @decimals) on conflict do nothing;
            """, connection, transaction))
        {
            replace.Parameters.AddWithValue("instrument", instrument);
            replace.Parameters.AddWithValue("feed", feed);
            replace.Parameters.AddWithValue("scanId", scan.ScanId);
            replace.Parameters.AddWithValue("scannedAt", scan.ScannedAt.UtcDateTime);
            replace.Parameters.AddWithValue("block", scan.BlockNumber);
            replace.Parameters.AddWithValue("tokenType", scan.TokenType);
            replace.Parameters.AddWithValue("decimals", scan.Decimals);
            await replace.ExecuteNonQueryAsync(ct);
        }

        await using (var importer = await connection.BeginBinaryImportAsync(
            "copy holdings (instrument_id, holding_cid, party_id, amount, token_id, locked) from stdin (format binary)", ct))
        {
            foreach (var row in rows)
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(instrument, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(row.HoldingCid, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(row.PartyId, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(row.Amount, NpgsqlDbType.Text, ct);
                if (row.TokenId is null)
                {
                    await importer.WriteNullAsync(ct);
                }
                else
                {
                    await importer.WriteAsync(row.TokenId, NpgsqlDbType.Text, ct);
                }
                await importer.WriteAsync(row.Locked, NpgsqlDbType.Boolean, ct);
            }
            await importer.CompleteAsync(ct);
        }

        await transaction.CommitAsync(ct);
        LogReplaced(logger, instrument, scan.ScanId, rows.Count);
        return true;
    }

    private static List<HoldingEntry> Rows(HoldingsScanned scan)
    {
        var rows = new List<HoldingEntry>(scan.Holdings.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var h in scan.Holdings)
        {
            if (!TokenUnits.TryParseBaseUnits(h.Amount, out var amount))
            {
                throw new InvalidFeedMessageException($"Amount '{h.Amount}' of holding {h.HoldingCid} is not a base-unit integer");
            }
            var cid = h.HoldingCid.ToLowerInvariant();
            if (cid.Length == 0 || !seen.Add(cid))
            {
                throw new InvalidFeedMessageException($"Holding cid '{h.HoldingCid}' is empty or repeated in scan {scan.ScanId}");
            }

            rows.Add(h with
            {
                HoldingCid = cid,
                PartyId = FeedValues.Checksummed(h.PartyId, "PartyId"),
                Amount = Tokenizer.Chain.Primitives.TokenAmounts.FormatUnits(amount, scan.Decimals),
            });
        }

        return rows;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Holdings of {Instrument}: scan {ScanId} is not newer than the stored one; ignored")]
    private static partial void LogIgnored(ILogger logger, string instrument, long scanId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Holdings of {Instrument}: scan {ScanId} stored with {Count} holdings")]
    private static partial void LogReplaced(ILogger logger, string instrument, long scanId, int count);
}
