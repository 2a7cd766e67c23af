using Npgsql;
using Tokenizer.Chain.Nonces;
using Tokenizer.Chain.Primitives;

namespace Tokenizer.TokenAdmin.Chain;

/// <summary>
/// The durable <see cref="INonceStore"/>: one row per signed transaction in TokenAdmin's database, committed before
/// the broadcast. (sender, nonce) is the primary key, so a second, different transaction for a nonce still on
/// record cannot be saved; a rejected transaction's row is deleted, which frees its nonce.
/// </summary>
public sealed class PostgresNonceStore(NpgsqlDataSource dataSource) : INonceStore
{
    public async Task SaveAsync(PendingTransaction transaction, CancellationToken ct = default)
    {
        await using var insert = dataSource.CreateCommand(
            """
            insert into chain_transactions (sender, nonce, hash, raw, created_at) values (@sender, @nonce, @hash, @raw, @created_at)
            on conflict (sender, nonce) do nothing
            """);
        insert.Parameters.AddWithValue("sender", transaction.From.ToLowerHex());
        insert.Parameters.AddWithValue("nonce", checked((long)transaction.Nonce));
        insert.Parameters.AddWithValue("hash", transaction.Hash.ToString());
        insert.Parameters.AddWithValue("raw", transaction.Raw);
        insert.Parameters.AddWithValue("created_at", transaction.CreatedAt);
        if (await insert.ExecuteNonQueryAsync(ct) == 1)
        {
            return;
        }

        // The nonce is on record already: saving the very same transaction again is fine, anything else is not.
        await using var existing = dataSource.CreateCommand("select hash from chain_transactions where sender = @sender and nonce = @nonce");
        existing.Parameters.AddWithValue("sender", transaction.From.ToLowerHex());
        existing.Parameters.AddWithValue("nonce", checked((long)transaction.Nonce));
        var hash = (string?)await existing.ExecuteScalarAsync(ct);
        if (hash != transaction.Hash.ToString())
        {
            throw new NonceTakenException(transaction.From, transaction.Nonce, hash);
        }
    }

    /// <summary>
    /// One statement for a group of freshly signed transactions (one round trip, one commit). A nonce on record for a
    /// different transaction undoes the rows this call inserted and throws <see cref="NonceTakenException"/>.
    /// </summary>
    public async Task SaveManyAsync(IReadOnlyList<PendingTransaction> transactions, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        if (transactions.Count == 0)
        {
            return;
        }

        var sender = transactions[0].From;
        if (transactions.Any(t => t.From != sender))
        {
            throw new ArgumentException("All transactions of one call must have the same sender.", nameof(transactions));
        }

        var nonces = transactions.Select(t => checked((long)t.Nonce)).ToArray();
        var hashes = transactions.Select(t => t.Hash.ToString()).ToArray();
        await using var insert = dataSource.CreateCommand(
            """
            insert into chain_transactions (sender, nonce, hash, raw, created_at)
            select @sender, t.nonce, t.hash, t.raw, @created_at from unnest(@nonces, @hashes, @raws) as t(nonce, hash, raw)
            on conflict (sender, nonce) do nothing
            """);
        insert.Parameters.AddWithValue("sender", sender.ToLowerHex());
        insert.Parameters.AddWithValue("nonces", nonces);
        insert.Parameters.AddWithValue("hashes", hashes);
        insert.Parameters.AddWithValue("raws", transactions.Select(t => t.Raw).ToArray());
        insert.Parameters.AddWithValue("created_at", transactions[0].CreatedAt);
        if (await insert.ExecuteNonQueryAsync(ct) == transactions.Count)
        {
            return;
        }

        // Some nonce is on record: the very same bytes are fine, a different transaction is not.
        await using var existing = dataSource.CreateCommand("select nonce, hash from chain_transactions where sender = @sender and nonce = any(@nonces)");
        existing.Parameters.AddWithValue("sender", sender.ToLowerHex());
        existing.Parameters.AddWithValue("nonces", nonces);
        var taken = new List<(long Nonce, string Hash)>();
        await using (var reader = await existing.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var nonce = reader.GetInt64(0);
                var hash = reader.GetString(1);
                if (hash != hashes[Array.IndexOf(nonces, nonce)])
                {
                    taken.Add((nonce, hash));
                }
            }
        }
        if (taken.Count == 0)
        {
            return;
        }

        await using (var undo = dataSource.CreateCommand(
            "delete from chain_transactions where sender = @sender and status = 'pending' and (nonce, hash) in (select * from unnest(@nonces, @hashes))"))
        {
            undo.Parameters.AddWithValue("sender", sender.ToLowerHex());
            undo.Parameters.AddWithValue("nonces", nonces);
            undo.Parameters.AddWithValue("hashes", hashes);
            await undo.ExecuteNonQueryAsync(CancellationToken.None);
        }
        throw new NonceTakenException(sender, (ulong)taken[0].Nonce, taken[0].Hash);
    }

    public async Task RemoveAsync(Address from, ulong nonce, Hash32 hash, CancellationToken ct = default)
    {
        await using var delete = dataSource.CreateCommand(
            "delete from chain_transactions where sender = @sender and nonce = @nonce and hash = @hash and status = 'pending'");
        AddKey(delete, from, nonce, hash);
        await delete.ExecuteNonQueryAsync(ct);
    }

    public async Task MarkConfirmedAsync(Address from, ulong nonce, Hash32 hash, CancellationToken ct = default)
    {
        await using var update = dataSource.CreateCommand(
            "update chain_transactions set status = 'confirmed', confirmed_at = now() where sender = @sender and nonce = @nonce and hash = @hash");
        AddKey(update, from, nonce, hash);
        await update.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The statement of <see cref="MarkConfirmedAsync(Address, ulong, Hash32, CancellationToken)"/>, for a caller's batch.</summary>
    public static NpgsqlBatchCommand MarkConfirmedCommand(Address from, ulong nonce, Hash32 hash)
    {
        var update = new NpgsqlBatchCommand("update chain_transactions set status = 'confirmed', confirmed_at = now() where sender = $1 and nonce = $2 and hash = $3");
        update.Parameters.Add(new NpgsqlParameter { Value = from.ToLowerHex() });
        update.Parameters.Add(new NpgsqlParameter { Value = checked((long)nonce) });
        update.Parameters.Add(new NpgsqlParameter { Value = hash.ToString() });
        return update;
    }

    /// <summary>
    /// Marks several of <paramref name="from"/>'s transactions spent inside the caller's transaction, in one statement, so
    /// they commit together with what made them spent (the tracker's confirmed or failed commands).
    /// </summary>
    public static async Task MarkConfirmedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Address from,
        IReadOnlyCollection<(ulong Nonce, Hash32 Hash)> spent, CancellationToken ct = default)
    {
        if (spent.Count == 0)
        {
            return;
        }
        await using var update = new NpgsqlCommand(
            """
            update chain_transactions set status = 'confirmed', confirmed_at = now()
            where sender = @sender and (nonce, hash) in (select * from unnest(@nonces, @hashes))
            """, connection, transaction);
        update.Parameters.AddWithValue("sender", from.ToLowerHex());
        update.Parameters.AddWithValue("nonces", spent.Select(s => checked((long)s.Nonce)).ToArray());
        update.Parameters.AddWithValue("hashes", spent.Select(s => s.Hash.ToString()).ToArray());
        await update.ExecuteNonQueryAsync(ct);
    }

    public Task<IReadOnlyList<PendingTransaction>> GetPendingAsync(Address from, CancellationToken ct = default) => GetPendingFromAsync(from, 0, ct);

    /// <summary>Only the rows at or above <paramref name="fromNonce"/>: the gap check reads this every few seconds.</summary>
    public async Task<IReadOnlyList<PendingTransaction>> GetPendingFromAsync(Address from, ulong fromNonce, CancellationToken ct = default)
    {
        await using var select = dataSource.CreateCommand(
            "select nonce, hash, raw, created_at from chain_transactions where sender = @sender and status = 'pending' and nonce >= @from order by nonce");
        select.Parameters.AddWithValue("sender", from.ToLowerHex());
        select.Parameters.AddWithValue("from", checked((long)fromNonce));
        var pending = new List<PendingTransaction>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            pending.Add(new PendingTransaction(from, (ulong)reader.GetInt64(0), Hash32.Parse(reader.GetString(1)),
                (byte[])reader.GetValue(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return pending;
    }

    public async Task<ulong?> GetHighestNonceAsync(Address from, CancellationToken ct = default)
    {
        await using var select = dataSource.CreateCommand("select max(nonce) from chain_transactions where sender = @sender");
        select.Parameters.AddWithValue("sender", from.ToLowerHex());
        return await select.ExecuteScalarAsync(ct) is long highest ? (ulong)highest : null;
    }

    private static void AddKey(NpgsqlCommand command, Address from, ulong nonce, Hash32 hash)
    {
        command.Parameters.AddWithValue("sender", from.ToLowerHex());
        command.Parameters.AddWithValue("nonce", checked((long)nonce));
        command.Parameters.AddWithValue("hash", hash.ToString());
    }
}
