using Npgsql;

namespace Tokenizer.TokenAdmin.Idempotency;

/// <summary>
/// Idempotency keys in PostgreSQL, per account. The first request inserts its row (primary key: account, key), so of
/// concurrent repeats exactly one runs; its successful answer is stored for replay. A failed attempt's row is
/// deleted, so the same key can be tried again; a row left by a crash is taken over once it is stale.
/// </summary>
public sealed class IdempotencyStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    public async Task<IdempotencyClaim> BeginAsync(Guid userId, string key, string requestHash, CancellationToken ct)
    {
        await using var insert = dataSource.CreateCommand(
            """
            insert into idempotency_keys (user_id, key, request_hash, created_at) values (@user, @key, @hash, @now)
            on conflict (user_id, key) do update set request_hash = excluded.request_hash, created_at = excluded.created_at
                where idempotency_keys.status_code is null and idempotency_keys.created_at < @stale
            returning 1
            """);
        var now = time.GetUtcNow();
        insert.Parameters.AddWithValue("user", userId);
        insert.Parameters.AddWithValue("key", key);
        insert.Parameters.AddWithValue("hash", requestHash);
        insert.Parameters.AddWithValue("now", now);
        insert.Parameters.AddWithValue("stale", now - StaleAfter);
        if (await insert.ExecuteScalarAsync(ct) is not null)
        {
            return new IdempotencyClaim(IdempotencyOutcome.Started);
        }

        await using var select = dataSource.CreateCommand(
            "select request_hash, status_code, response from idempotency_keys where user_id = @user and key = @key");
        select.Parameters.AddWithValue("user", userId);
        select.Parameters.AddWithValue("key", key);
        await using var reader = await select.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            // Deleted by a failed first attempt between the two statements: the caller may simply try again.
            return new IdempotencyClaim(IdempotencyOutcome.InProgress);
        }
        if (reader.GetString(0) != requestHash)
        {
            return new IdempotencyClaim(IdempotencyOutcome.Mismatch);
        }
        return reader.IsDBNull(1)
            ? new IdempotencyClaim(IdempotencyOutcome.InProgress)
            : new IdempotencyClaim(IdempotencyOutcome.Replay, reader.GetInt32(1), reader.GetString(2));
    }

    public async Task CompleteAsync(Guid userId, string key, int statusCode, string response)
    {
        await using var update = dataSource.CreateCommand(
            "update idempotency_keys set status_code = @status, response = @response where user_id = @user and key = @key");
        update.Parameters.AddWithValue("user", userId);
        update.Parameters.AddWithValue("key", key);
        update.Parameters.AddWithValue("status", statusCode);
        update.Parameters.AddWithValue("response", response);
        await update.ExecuteNonQueryAsync(CancellationToken.None);
    }

    public async Task AbandonAsync(Guid userId, string key)
    {
        await using var delete = dataSource.CreateCommand(
            "delete from idempotency_keys where user_id = @user and key = @key and status_code is null");
        delete.Parameters.AddWithValue("user", userId);
        delete.Parameters.AddWithValue("key", key);
        await delete.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
