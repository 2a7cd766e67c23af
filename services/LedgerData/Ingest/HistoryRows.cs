using System.Numerics;
using System.Text.Json;
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

    /// <summary>The history's primary key: one row per (block hash, log index).</summary>
    public const string EventKey = "history_events_pkey";

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
    /// Adds this batch's writes to <paramref name="batch"/>, each applied only if the feed stands at
    /// <paramref name="sequence"/> - 1 (the caller has locked its row): removals first (they name rows of earlier
    /// batches), then the additions as arrays unnested in one insert that skips events already stored (a replay, or
    /// the same event from another feed), the tokens they name, and the feed's new position.
    /// <para>
    /// With <paramref name="plainInsert"/> the additions are a plain insert: an event already stored then fails the
    /// whole transaction with a unique violation on <see cref="EventKey"/>, and the caller writes the batch again
    /// without it. That saves PostgreSQL the speculative insertion of every row (the common case stores only new events).
    /// </para>
    /// </summary>
    public void AddWrites(NpgsqlBatch batch, long sequence, bool plainInsert = false)
    {
        const string IsNext = "exists (select from history_feeds where feed = $1 and last_sequence = $2)";
        NpgsqlBatchCommand Command(string sql)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Feed });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence - 1 });
            batch.BatchCommands.Add(command);
            return command;
        }

        if (RemovedHashes.Length > 0)
        {
            var remove = Command(
                $"delete from history_events e using unnest($3::text[], $4::integer[]) as r(block_hash, log_index) where e.block_hash = r.block_hash and e.log_index = r.log_index and {IsNext}");
            remove.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = RemovedHashes });
            remove.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = RemovedIndexes });
        }

        if (Added.Count > 0)
        {
            var n = Added.Count;
            var (blockHashes, logIndexes, kinds, instrumentIds, partyIds, commandHashes) = (new string[n], new int[n], new string[n], new string[n], new string[n], new string[n]);
            var (amounts, baseAmounts, tokenIds, updateIds, blockNumbers, createdAt) = (new string[n], new BigInteger[n], new string?[n], new string[n], new long[n], new DateTime[n]);
            for (var i = 0; i < n; i++)
            {
                var row = Added[i];
                (blockHashes[i], logIndexes[i], kinds[i], instrumentIds[i], partyIds[i], commandHashes[i]) =
                    (row.BlockHash, row.LogIndex, row.Kind, row.InstrumentId, row.PartyId, row.CommandHash);
                (amounts[i], baseAmounts[i], updateIds[i], blockNumbers[i], createdAt[i]) = (row.Amount, row.BaseAmount, row.UpdateId, row.BlockNumber, row.CreatedAt);
                // An array per row cannot travel in an array of rows (unnest would flatten it), so ERC721 ids go as JSON.
                tokenIds[i] = row.TokenIds is null ? null : JsonSerializer.Serialize(row.TokenIds);
            }

            var insert = Command(
                $"""
                insert into history_events (block_hash, log_index, kind, instrument_id, party_id, command_hash, amount, base_amount, token_ids, update_id, block_number, created_at, feed)
                select r.block_hash, r.log_index, r.kind, r.instrument_id, r.party_id, r.command_hash, r.amount, r.base_amount,
                       case when r.token_ids is not null then array(select t from jsonb_array_elements_text(r.token_ids) with ordinality as i(t, n) order by i.n) end,
                       r.update_id, r.block_number, r.created_at, $1
                from unnest($3::text[], $4::integer[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::numeric[], $11::jsonb[], $12::text[], $13::bigint[], $14::timestamptz[])
                    as r(block_hash, log_index, kind, instrument_id, party_id, command_hash, amount, base_amount, token_ids, update_id, block_number, created_at)
                where {IsNext}
                {(plainInsert ? "" : "on conflict do nothing")}
                """);
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = blockHashes });
            insert.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = logIndexes });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = kinds });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = instrumentIds });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = partyIds });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = commandHashes });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = amounts });
            insert.Parameters.Add(new NpgsqlParameter<BigInteger[]> { TypedValue = baseAmounts });
            insert.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = tokenIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = updateIds });
            insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = blockNumbers });
            insert.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = createdAt });

            var tokens = Added.DistinctBy(r => r.InstrumentId).ToList();
            var known = Command(
                $"insert into instruments (instrument_id, token_type, decimals) select * from unnest($3::text[], $4::text[], $5::integer[]) where {IsNext} on conflict do nothing");
            known.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. tokens.Select(r => r.InstrumentId)] });
            known.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. tokens.Select(r => r.TokenType)] });
            known.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. tokens.Select(r => r.Decimals)] });
        }

        // The position moves last: the writes above test the one before it. A replay request is cleared once no
        // batch is held any more (the caller's slow path decides when some are).
        Command(
            """
            update history_feeds set last_sequence = $2 + 1,
                replay_requested_at = case when exists (select from history_pending_batches p where p.feed = $1) then replay_requested_at end
            where feed = $1 and last_sequence = $2
            """);
    }
}
