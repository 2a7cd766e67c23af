using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Tokenizer.ServiceDefaults.Data;

/// <summary>
/// Forward-only SQL migrations, embedded in the service assembly and applied in name order, each in its own
/// transaction, under a PostgreSQL advisory lock so replicas starting together migrate once. An applied script
/// whose text has changed stops start-up: history is never rewritten silently.
/// </summary>
public sealed partial class DatabaseMigrator(NpgsqlDataSource dataSource, Assembly migrationsAssembly, ILogger<DatabaseMigrator> logger)
{
    // Any fixed 64-bit key works; it only has to be the same for every replica of every service.
    private const long AdvisoryLockKey = 0x746f6b656e697a72;

    /// <summary>
    /// The embedded migrations in the order they apply: the platform's own (outbox, inbox; ids <c>0000_platform_*</c>)
    /// first, then the service's.
    /// </summary>
    public IReadOnlyList<(string Id, string Sql)> Migrations { get; } =
        [.. Load(typeof(DatabaseMigrator).Assembly), .. Load(migrationsAssembly)];

    /// <summary>Applies every migration not yet recorded in <c>schema_migrations</c>.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenWithRetryAsync(cancellationToken);
        await Execute(connection, "select pg_advisory_lock(@key)", cancellationToken, ("key", AdvisoryLockKey));
        try
        {
            await Execute(connection, """
                create table if not exists schema_migrations (
                    id text primary key,
                    checksum text not null,
                    applied_at timestamptz not null default now())
                """, cancellationToken);

            var applied = new Dictionary<string, string>(StringComparer.Ordinal);
            await using (var read = new NpgsqlCommand("select id, checksum from schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied[reader.GetString(0)] = reader.GetString(1);
                }
            }

            foreach (var (id, sql) in Migrations)
            {
                var checksum = Checksum(sql);
                if (applied.TryGetValue(id, out var recorded))
                {
                    if (recorded != checksum)
                    {
                        throw new InvalidOperationException(
                            $"Migration {id} was changed after it was applied (checksum {recorded} → {checksum}). Add a new migration instead.");
                    }
                    continue;
                }
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var apply = new NpgsqlCommand(sql, connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }
                await using (var record = new NpgsqlCommand("insert into schema_migrations (id, checksum) values (@id, @checksum)", connection, transaction))
                {
                    record.Parameters.AddWithValue("id", id);
                    record.Parameters.AddWithValue("checksum", checksum);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }
                await transaction.CommitAsync(cancellationToken);
                LogApplied(logger, id);
            }
        }
        finally
        {
            await Execute(connection, "select pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey));
        }
    }

    private async Task<NpgsqlConnection> OpenWithRetryAsync(CancellationToken cancellationToken)
    {
        // A managed database can take a moment to accept connections after the service starts; wait, bounded.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await dataSource.OpenConnectionAsync(cancellationToken);
            }
            catch (NpgsqlException ex) when (ex.IsTransient && attempt < 10)
            {
                LogRetry(logger, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken);
            }
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<(string Id, string Sql)> Load(Assembly assembly)
    {
        const string marker = ".Data.Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.Contains(marker, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream, Encoding.UTF8);
                var id = name[(name.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..^".sql".Length];
                return (id, reader.ReadToEnd());
            })
            .OrderBy(m => m.id, StringComparer.Ordinal)
            .ToList();
    }

    private static string Checksum(string sql) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Id}")]
    private static partial void LogApplied(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database not reachable yet (attempt {Attempt}): {Reason}")]
    private static partial void LogRetry(ILogger logger, int attempt, string reason);
}
