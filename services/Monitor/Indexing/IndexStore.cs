using System.Globalization;
using System.Numerics;
using Npgsql;
using NpgsqlTypes;

namespace Tokenizer.Monitor.Indexing;

/// <summary>
/// The SQL of the index. Every method runs on the caller's connection: the leader passes the connection that holds
/// its advisory lock, so a leader that lost its session can write nothing (the lock is the fence).
/// </summary>
public static class IndexStore
{
    public static async Task<IndexCursor?> GetCursorAsync(NpgsqlConnection connection, string factory, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            select id, chain_id, start_block, indexed_block, published_block, next_sequence, last_scan_id, reorgs_total
            from monitor_cursors where factory = @factory
            """, connection);
        command.Parameters.AddWithValue("factory", factory);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new IndexCursor(reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7))
            : null;
    }

    public static async Task CreateCursorAsync(NpgsqlConnection connection, string factory, long chainId, long startBlock, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            insert into monitor_cursors (factory, chain_id, start_block, indexed_block, published_block)
            values (@factory, @chainId, @start, @start - 1, @start - 1) on conflict (factory) do nothing
            """, connection);
        command.Parameters.AddWithValue("factory", factory);
        command.Parameters.AddWithValue("chainId", chainId);
        command.Parameters.AddWithValue("start", startBlock);
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<List<IndexedToken>> GetTokensAsync(NpgsqlConnection connection, string factory, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "select address, kind, decimals, permissionless, deploy_block from monitor_tokens where factory = @factory order by address", connection);
        command.Parameters.AddWithValue("factory", factory);
        var tokens = new List<IndexedToken>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            tokens.Add(new IndexedToken(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetBoolean(3), reader.GetInt64(4)));
        }
        return tokens;
    }

    public static async Task<StoredBlock?> GetBlockAsync(NpgsqlConnection connection, string factory, long number, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select hash, block_time from monitor_blocks where factory = @factory and number = @number", connection);
        command.Parameters.AddWithValue("factory", factory);
        command.Parameters.AddWithValue("number", number);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new StoredBlock(number, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1))
            : null;
    }

    /// <summary>Stored blocks at or below <paramref name="atOrBelow"/>, newest first: the candidates for a common ancestor.</summary>
    public static async Task<List<StoredBlock>> GetBlocksDescendingAsync(NpgsqlConnection connection, string factory, long atOrBelow, int limit, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "select number, hash from monitor_blocks where factory = @factory and number <= @below order by number desc limit @limit", connection);
        command.Parameters.AddWithValue("factory", factory);
        command.Parameters.AddWithValue("below", atOrBelow);
        command.Parameters.AddWithValue("limit", limit);
        var blocks = new List<StoredBlock>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            blocks.Add(new StoredBlock(reader.GetInt64(0), reader.GetString(1), null));
        }
        return blocks;
    }

    /// <summary>The tokens a range's factory logs deployed; the first write of the range's transaction.</summary>
    public static async Task SaveTokensAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string factory, IReadOnlyList<IndexedToken> tokens, CancellationToken ct)
    {
        foreach (var token in tokens)
        {
            await using var insertToken = new NpgsqlCommand(
                """
                insert into monitor_tokens (factory, address, kind, decimals, permissionless, deploy_block)
                values (@factory, @address, @kind, @decimals, @permissionless, @block) on conflict (factory, address) do nothing
                """, connection, transaction);
            insertToken.Parameters.AddWithValue("factory", factory);
            insertToken.Parameters.AddWithValue("address", token.Address);
            insertToken.Parameters.AddWithValue("kind", token.Kind);
            insertToken.Parameters.AddWithValue("decimals", token.Decimals);
            insertToken.Parameters.AddWithValue("permissionless", token.Permissionless);
            insertToken.Parameters.AddWithValue("block", token.DeployBlock);
            await insertToken.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// Binary COPY of a range's events, in the range's transaction, written row by row as the logs are decoded (the
    /// server inserts while the client decodes). No conflict is possible: a range starts above the cursor, a rewind
    /// deletes everything above its ancestor, and only the lease holder writes.
    /// </summary>
    public static async Task<NpgsqlBinaryImporter> BeginEventImportAsync(NpgsqlConnection connection, CancellationToken ct) =>
        await connection.BeginBinaryImportAsync(
            """
            copy monitor_events (factory_id, log_index, block_number, kind, flag, block_hash, tx_hash, token, from_addr, to_addr, amount, token_ids, command_hash)
            from stdin (format binary)
            """, ct);

    /// <summary>
    /// One row of <see cref="BeginEventImportAsync"/>, as bytes (migration 0004): hashes from their own arrays,
    /// addresses from <paramref name="addresses"/>. Synchronous: rows go to a buffer that is sent when full.
    /// </summary>
    public static void WriteEvent(NpgsqlBinaryImporter importer, int factoryId, in EventRow e, AddressBytes addresses)
    {
        importer.StartRow();
        importer.Write(factoryId, NpgsqlDbType.Integer);
        importer.Write(e.LogIndex, NpgsqlDbType.Integer);
        importer.Write(e.BlockNumber, NpgsqlDbType.Bigint);
        importer.Write(e.Kind, NpgsqlDbType.Text); // an enum's binary form is its label
        WriteNullable(importer, e.Flag, NpgsqlDbType.Boolean);
        importer.Write(e.BlockHash.AsMemory(), NpgsqlDbType.Bytea);
        importer.Write(e.TransactionHash.AsMemory(), NpgsqlDbType.Bytea);
        importer.Write(addresses.Of(e.Token), NpgsqlDbType.Bytea);
        WriteNullable(importer, e.From is { } from ? addresses.Of(from) : null, NpgsqlDbType.Bytea);
        WriteNullable(importer, e.To is { } to ? addresses.Of(to) : null, NpgsqlDbType.Bytea);
        WriteNullable(importer, e.Amount, NpgsqlDbType.Numeric);
        WriteNullable(importer, e.TokenIds, NpgsqlDbType.Text);
        if (e.CommandHash is { } command)
        {
            importer.Write(command.AsMemory(), NpgsqlDbType.Bytea);
        }
        else
        {
            importer.WriteNull();
        }
    }

    /// <summary>A range's block hashes (every block with an event, and its tip) and the cursor moved to its end.</summary>
    public static async Task SaveBlocksAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string factory, IReadOnlyList<StoredBlock> blocks, long indexedBlock, CancellationToken ct)
    {
        if (blocks.Count > 0)
        {
            await using var insertBlocks = new NpgsqlCommand(
                """
                insert into monitor_blocks (factory, number, hash, block_time)
                select @factory, n, h, t from unnest(@numbers, @hashes, @times) as b(n, h, t)
                on conflict (factory, number) do update set hash = excluded.hash, block_time = coalesce(excluded.block_time, monitor_blocks.block_time)
                """, connection, transaction);
            insertBlocks.Parameters.AddWithValue("factory", factory);
            insertBlocks.Parameters.AddWithValue("numbers", blocks.Select(b => b.Number).ToArray());
            insertBlocks.Parameters.AddWithValue("hashes", blocks.Select(b => b.Hash).ToArray());
            insertBlocks.Parameters.Add(new NpgsqlParameter("times", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
            {
                Value = blocks.Select(b => b.Time is { } t ? (object)t.UtcDateTime : DBNull.Value).ToArray(),
            });
            await insertBlocks.ExecuteNonQueryAsync(ct);
        }

        await using var cursor = new NpgsqlCommand(
            "update monitor_cursors set indexed_block = @indexed, updated_at = now() where factory = @factory", connection, transaction);
        cursor.Parameters.AddWithValue("factory", factory);
        cursor.Parameters.AddWithValue("indexed", indexedBlock);
        await cursor.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Forgets everything above <paramref name="ancestor"/> (the last block the store and the chain agree on) and
    /// returns the final mint/burn events it took back that were already published.
    /// </summary>
    public static async Task<List<IndexedEvent>> RewindAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string factory, long ancestor, long publishedBlock, CancellationToken ct)
    {
        var removed = await ReadEventsAsync(connection, transaction, factory, ancestor + 1, publishedBlock, [EventKinds.Mint, EventKinds.Burn], ct);
        await using var command = new NpgsqlCommand(
            """
            delete from monitor_events where factory_id = (select id from monitor_cursors where factory = @factory) and block_number > @ancestor;
            delete from monitor_blocks where factory = @factory and number > @ancestor;
            delete from monitor_tokens where factory = @factory and deploy_block > @ancestor;
            update monitor_cursors set indexed_block = least(indexed_block, @ancestor), published_block = least(published_block, @ancestor),
                reorgs_total = reorgs_total + 1, updated_at = now()
            where factory = @factory;
            """, connection, transaction);
        command.Parameters.AddWithValue("factory", factory);
        command.Parameters.AddWithValue("ancestor", ancestor);
        await command.ExecuteNonQueryAsync(ct);
        return removed.Select(e => e.Event).ToList();
    }

    /// <summary>Stored events of the given kinds in blocks [from, to], in chain order, with their block's time.</summary>
    public static async Task<List<(IndexedEvent Event, DateTimeOffset? BlockTime)>> ReadEventsAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string factory, long from, long to, string[] kinds, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            select e.block_number, e.block_hash, e.log_index, e.tx_hash, e.token, e.kind::text, e.from_addr, e.to_addr, e.amount::text,
                   e.token_ids, e.command_hash, e.flag, b.block_time
            from monitor_events e left join monitor_blocks b on b.factory = @factory and b.number = e.block_number
            where e.factory_id = (select id from monitor_cursors where factory = @factory)
              and e.block_number between @from and @to and e.kind = any(@kinds::monitor_event_kind[])
            order by e.block_number, e.log_index
            """, connection, transaction);
        command.Parameters.AddWithValue("factory", factory);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        command.Parameters.AddWithValue("kinds", kinds);
        var events = new List<(IndexedEvent, DateTimeOffset?)>();
        var names = new EventStrings();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            events.Add((new IndexedEvent(
                reader.GetInt64(0), names.HashAt(reader, 1), reader.GetInt32(2), names.HashAt(reader, 3), names.AddressAt(reader, 4)!, reader.GetString(5),
                names.AddressAt(reader, 6), names.AddressAt(reader, 7),
                reader.IsDBNull(8) ? null : BigInteger.Parse(reader.GetString(8), CultureInfo.InvariantCulture),
                reader.IsDBNull(9) ? null : reader.GetString(9).Split(','), reader.IsDBNull(10) ? null : names.HashAt(reader, 10),
                reader.IsDBNull(11) ? null : reader.GetBoolean(11)),
                reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12)));
        }
        return events;
    }

    /// <summary>Keeps a published batch for replays and moves the feed's position past it.</summary>
    public static async Task RecordBatchAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string factory, long sequence, string body, long publishedBlock, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            insert into monitor_history_batches (factory, sequence, body) values (@factory, @sequence, @body);
            update monitor_cursors set next_sequence = @sequence + 1, published_block = @published, updated_at = now() where factory = @factory;
            """, connection, transaction);
        command.Parameters.AddWithValue("factory", factory);
        command.Parameters.AddWithValue("sequence", sequence);
        command.Parameters.Add(new NpgsqlParameter("body", NpgsqlDbType.Jsonb) { Value = body });
        command.Parameters.AddWithValue("published", publishedBlock);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Moves the feed's position without a batch: the range held no final mint or burn.</summary>
    public static async Task AdvancePublishedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string factory, long publishedBlock, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "update monitor_cursors set published_block = @published where factory = @factory and published_block < @published", connection, transaction);
        command.Parameters.AddWithValue("factory", factory);
        command.Parameters.AddWithValue("published", publishedBlock);
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<long> NextScanIdAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string factory, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "update monitor_cursors set last_scan_id = last_scan_id + 1 where factory = @factory returning last_scan_id", connection, transaction);
        command.Parameters.AddWithValue("factory", factory);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Outbox rows of one message type for this factory not yet handed to the broker: a feed's queue depth.</summary>
    public static async Task<long> PendingOutboxAsync(NpgsqlConnection connection, string messageType, string factoryEip55, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            select count(*) from outbox_messages
            where dispatched_at is null and parked_at is null and message_type like @type and body->>'factory' = @factory
            """, connection);
        command.Parameters.AddWithValue("type", messageType + ",%");
        command.Parameters.AddWithValue("factory", factoryEip55);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Stored batches from <paramref name="fromSequence"/> on, for a replay (every factory when null).</summary>
    public static async Task<List<string>> ReadBatchesAsync(NpgsqlConnection connection, string? factory, long fromSequence, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            select body::text from monitor_history_batches
            where (@factory::text is null or factory = @factory) and sequence >= @from order by factory, sequence
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("factory", NpgsqlDbType.Text) { Value = (object?)factory ?? DBNull.Value });
        command.Parameters.AddWithValue("from", fromSequence);
        var bodies = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            bodies.Add(reader.GetString(0));
        }
        return bodies;
    }

    private static void WriteNullable(NpgsqlBinaryImporter importer, byte[]? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, type);
        }
    }

    private static void WriteNullable(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, type);
        }
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type)
        where T : struct
    {
        if (value is { } present)
        {
            importer.Write(present, type);
        }
        else
        {
            importer.WriteNull();
        }
    }
}
