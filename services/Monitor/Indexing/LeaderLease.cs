using Npgsql;

namespace Tokenizer.Monitor.Indexing;

/// <summary>
/// Leadership of one factory's indexing: a PostgreSQL session advisory lock held on a dedicated connection. The
/// leader does all its writes on that same connection, which makes the lock the fence: a leader whose session died
/// (process killed, network gone) has lost the lock and can write nothing, and PostgreSQL frees the lock for a
/// standby the moment the session ends.
/// </summary>
public sealed class LeaderLease : IAsyncDisposable
{
    private LeaderLease(NpgsqlConnection connection) => Connection = connection;

    public NpgsqlConnection Connection { get; }

    /// <summary>The lease, or null when another instance leads this factory.</summary>
    public static async Task<LeaderLease?> TryAcquireAsync(NpgsqlDataSource dataSource, string factoryKey, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        LeaderLease? lease = null;
        try
        {
            await using var command = new NpgsqlCommand("select pg_try_advisory_lock(hashtextextended(@key, 0))", connection);
            command.Parameters.AddWithValue("key", "tokenizer.monitor.leader:" + factoryKey);
            if ((bool)(await command.ExecuteScalarAsync(ct))!)
            {
                lease = new LeaderLease(connection);
            }
            return lease;
        }
        finally
        {
            if (lease is null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>True while the session (and so the lock) is alive.</summary>
    public async Task<bool> IsAliveAsync(CancellationToken ct)
    {
        try
        {
            await using var command = new NpgsqlCommand("select 1", Connection);
            await command.ExecuteScalarAsync(ct);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // A pooled connection outlives this lease: release the lock rather than lend it to the next user.
            await using var command = new NpgsqlCommand("select pg_advisory_unlock_all()", Connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The session is gone, and the lock with it.
        }
        await Connection.DisposeAsync();
    }
}
