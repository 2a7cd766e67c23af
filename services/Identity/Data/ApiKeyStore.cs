using Npgsql;
using Tokenizer.Messages.Identity;
using Tokenizer.ServiceDefaults.Authentication;
using Tokenizer.ServiceDefaults.Messaging;

namespace Tokenizer.Identity.Data;

public sealed record ApiKeyRecord(Guid Id, Guid UserId, string? Name, string KeyHash, string KeyPrefix, DateTime CreatedAt, DateTime? RevokedAt);

public enum RevokeOutcome { Revoked, NotFound, AlreadyRevoked }

/// <summary>API keys in identitydb: only the SHA-256 of a key and its listed prefix are stored.</summary>
public sealed class ApiKeyStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string Columns = "id, user_id, name, key_hash, key_prefix, created_at, revoked_at";

    /// <summary>Creates a key; returns the record and the full key (shown once). Null when the account has too many.</summary>
    public async Task<(ApiKeyRecord Record, string Key)?> CreateAsync(Guid userId, string? name, int maxActive, CancellationToken cancellationToken)
    {
        var key = ApiKeyFormat.Generate();
        var now = time.GetUtcNow().UtcDateTime;
        var record = new ApiKeyRecord(Guid.CreateVersion7(), userId, name, ApiKeyFormat.Hash(key), ApiKeyFormat.ListedPrefix(key), now.AddTicks(-(now.Ticks % 10)), null);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Serialise key creation per account so the limit holds under concurrent requests.
        await using (var lockUser = new NpgsqlCommand("select 1 from users where id = @user for update", connection, transaction))
        {
            lockUser.Parameters.AddWithValue("user", userId);
            await lockUser.ExecuteScalarAsync(cancellationToken);
        }
        await using (var count = new NpgsqlCommand("select count(*) from api_keys where user_id = @user and revoked_at is null", connection, transaction))
        {
            count.Parameters.AddWithValue("user", userId);
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! >= maxActive)
            {
                return null;
            }
        }
        await using (var insert = new NpgsqlCommand(
            "insert into api_keys (id, user_id, name, key_hash, key_prefix, created_at) values (@id, @user, @name, @hash, @prefix, @created)",
            connection, transaction))
        {
            insert.Parameters.AddWithValue("id", record.Id);
            insert.Parameters.AddWithValue("user", userId);
            insert.Parameters.AddWithValue("name", (object?)name ?? DBNull.Value);
            insert.Parameters.AddWithValue("hash", record.KeyHash);
            insert.Parameters.AddWithValue("prefix", record.KeyPrefix);
            insert.Parameters.AddWithValue("created", record.CreatedAt);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (record, key);
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from api_keys where user_id = @user order by created_at, id");
        command.Parameters.AddWithValue("user", userId);
        var list = new List<ApiKeyRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }
        return list;
    }

    public async Task<IReadOnlyList<(Guid KeyId, string KeyHash)>> ActiveKeysAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select id, key_hash from api_keys where user_id = @user and revoked_at is null");
        command.Parameters.AddWithValue("user", userId);
        var list = new List<(Guid, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add((reader.GetGuid(0), reader.GetString(1)));
        }
        return list;
    }

    /// <summary>
    /// Revokes the caller's own key. <paramref name="beforeCommit"/> runs inside the transaction once the key is
    /// known to be revocable (the cache tombstone goes in before the commit, so no request sees the key valid after).
    /// </summary>
    public async Task<(RevokeOutcome Outcome, ApiKeyRecord? Key)> RevokeAsync(Guid userId, Guid keyId, Func<ApiKeyRecord, Task> beforeCommit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        ApiKeyRecord? key = null;
        await using (var select = new NpgsqlCommand($"select {Columns} from api_keys where id = @id and user_id = @user for update", connection, transaction))
        {
            select.Parameters.AddWithValue("id", keyId);
            select.Parameters.AddWithValue("user", userId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                key = Read(reader);
            }
        }
        if (key is null)
        {
            return (RevokeOutcome.NotFound, null);
        }
        if (key.RevokedAt is not null)
        {
            return (RevokeOutcome.AlreadyRevoked, key);
        }
        var now = time.GetUtcNow().UtcDateTime;
        key = key with { RevokedAt = now.AddTicks(-(now.Ticks % 10)) };
        await using (var update = new NpgsqlCommand("update api_keys set revoked_at = @now where id = @id", connection, transaction))
        {
            update.Parameters.AddWithValue("id", keyId);
            update.Parameters.AddWithValue("now", key.RevokedAt.Value);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await Outbox.EnqueueAsync(connection, transaction,
            new ApiKeyRevoked(key.Id, key.UserId, key.KeyHash, new DateTimeOffset(key.RevokedAt.Value, TimeSpan.Zero)), cancellationToken);
        await beforeCommit(key);
        await transaction.CommitAsync(cancellationToken);
        return (RevokeOutcome.Revoked, key);
    }

    /// <summary>The owner of an active key, for introspection.</summary>
    public async Task<ApiKeyIdentity?> IntrospectAsync(string keyHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            select k.id, u.id, u.email, u.plan, u.role from api_keys k join users u on u.id = k.user_id
            where k.key_hash = @hash and k.revoked_at is null
            """);
        command.Parameters.AddWithValue("hash", keyHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ApiKeyIdentity(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4))
            : null;
    }

    private static ApiKeyRecord Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), reader.GetString(4),
        reader.GetDateTime(5), reader.IsDBNull(6) ? null : reader.GetDateTime(6));
}
