using System.Numerics;
using Npgsql;
using NpgsqlTypes;
using Tokenizer.Messages.Monitor;

namespace Tokenizer.LedgerData.Ingest;

/// <summary>One stored history row, validated and in stored form.</summary>
public sealed record HistoryRow(
    string BlockHash, int LogIndex, string Kind, string InstrumentId, string TokenType, int Decimals, string PartyId, string CommandHash,
    string Amount, BigInteger BaseAmount, string[]? TokenIds, string UpdateId, long BlockNumber, DateTime CreatedAt);

/// <summary>A batch's removals and additions in stored form; written in the caller's transaction.</summary>
public sealed class HistoryRows
{
    private HistoryRows(string feed, List<HistoryRow> added, string[] removedHashes, int[] removedIndexes)
    {
        Feed = feed;
        Added = added;
        RemovedHashes = removedHashes;
        RemovedIndexes = removedIndexes;
    }

    public string Feed { get; }
    public IReadOnlyList<HistoryRow> Added { get; }
    public string[] RemovedHashes { get; }
    public int[] RemovedIndexes { get; }

    public static HistoryRows From(HistoryBatchConfirmed batch, string feed)
    {
        var added = new List<HistoryRow>(batch.Added.Count);
        // A batch names the same few tokens (and often the same parties) many times: check each address once.
        var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
        string Address(string value, string field)
        {
            if (!addresses.TryGetValue(value, out var stored))
            {
                stored = FeedValues.Checksummed(value, field);
                addresses.Add(value, stored);
            }
            return stored;
        }
        foreach (var e in batch.Added)
        {
            if (!TokenUnits.TryParseBaseUnits(e.Amount, out var baseAmount))
            {
                throw new InvalidFeedMessageException($"Amount '{e.Amount}' of {e.TransactionHash} is not a base-unit integer");
            }
            if (e.Decimals is < 0 or > 77)
            {
                throw new InvalidFeedMessageException($"Decimals {e.Decimals} of {e.InstrumentId} are out of range");
            }

            added.Add(new HistoryRow(
                FeedValues.Hash(e.BlockHash, "BlockHash"), e.LogIndex, FeedValues.Kind(e.Kind),
                Address(e.InstrumentId, "InstrumentId"), e.TokenType, e.Decimals,
                Address(e.PartyId, "PartyId"), FeedValues.Hash(e.CommandHash, "CommandHash"),
                Tokenizer.Chain.Primitives.TokenAmounts.FormatUnits(baseAmount, e.Decimals), baseAmount, e.TokenIds?.ToArray(),
                FeedValues.Hash(e.TransactionHash, "TransactionHash"), e.BlockNumber, e.BlockTime.UtcDateTime));
        }

        return new HistoryRows(
            feed, added,
            [.. batch.Removed.Select(r => FeedValues.Hash(r.BlockHash, "BlockHash"))],
            [.. batch.Removed.Select(r => r.LogIndex)]);
    }

    /// <summary>
    /// Removals first (they name rows of earlier batches), then the additions through binary COPY into a staging
    /// table and one insert that skips events already stored (a replay, or the same event from another feed).
    /// </summary>
    public async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        if (RemovedHashes.Length > 0)
        {
            await using var remove = new NpgsqlCommand(
                "delete from history_events e using unnest(@hashes, @indexes) as r(block_hash, log_index) where e.block_hash = r.block_hash and e.log_index = r.log_index",
                connection, transaction);
            remove.Parameters.AddWithValue("hashes", RemovedHashes);
            remove.Parameters.AddWithValue("indexes", RemovedIndexes);
            await remove.ExecuteNonQueryAsync(ct);
        }

        if (Added.Count == 0)
        {
            return;
        }

        await using (var stage = new NpgsqlCommand(
            "create temp table if not exists history_stage (like history_events, token_type text, decimals integer) on commit delete rows", connection, transaction))
        {
            await stage.ExecuteNonQueryAsync(ct);
        }

        await using (var importer = await connection.BeginBinaryImportAsync(
            "copy history_stage (block_hash, log_index, kind, instrument_id, party_id, command_hash, amount, base_amount, token_ids, update_id, block_number, created_at, feed, token_type, decimals) from stdin (format binary)",
            ct))
        {
            foreach (var row in Added)
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(row.BlockHash, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(row.LogIndex, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(row.Kind, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(row.InstrumentId, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(row.PartyId, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(row.CommandHash, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(row.Amount, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(row.BaseAmount, NpgsqlDbType.Numeric, ct);
                if (row.TokenIds is null)
                {
                    await importer.WriteNullAsync(ct);
                }
                else
                {
                    await importer.WriteAsync(row.TokenIds, NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                }
                await importer.WriteAsync(row.UpdateId, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(row.BlockNumber, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(row.CreatedAt, NpgsqlDbType.TimestampTz, ct);
                await importer.WriteAsync(Feed, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(row.TokenType, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(row.Decimals, NpgsqlDbType.Integer, ct);
            }
            await importer.CompleteAsync(ct);
        }

        await using var insert = new NpgsqlCommand(
            """
            insert into history_events (block_hash, log_index, kind, instrument_id, party_id, command_hash, amount, base_amount, token_ids, update_id, block_number, created_at, feed)
            select block_hash, log_index, kind, instrument_id, party_id, command_hash, amount, base_amount, token_ids, update_id, block_number, created_at, feed
            from history_stage
            on conflict do nothing;
            insert into instruments (instrument_id, token_type, decimals)
            select distinct on (instrument_id) instrument_id, token_type, decimals from history_stage
            on conflict do nothing;
            truncate history_stage;
            """, connection, transaction);
        await insert.ExecuteNonQueryAsync(ct);
    }
}
