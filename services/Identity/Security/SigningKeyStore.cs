using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Tokenizer.Identity.Security;

/// <summary>One ES256 key of the set.</summary>
public sealed record SigningKey(string Kid, ECDsaSecurityKey Key, DateTime CreatedAt, DateTime ActivatesAt);

/// <summary>
/// The ES256 signing keys, persisted in identitydb so every replica and every restart signs with the same set.
/// The active key is the newest whose <c>activates_at</c> has passed; the JWKS publishes it, any key waiting to
/// activate, and each older key until the tokens it signed have expired. Replicas re-read the set periodically.
/// </summary>
public sealed partial class SigningKeyStore(NpgsqlDataSource dataSource, IOptions<IdentityOptions> options, IHostEnvironment environment,
    TimeProvider time, ILogger<SigningKeyStore> logger)
{
    private const long RotationLockKey = 0x746f6b2d6b657973; // "tok-keys"
    private readonly SemaphoreSlim _reload = new(1, 1);
    private (IReadOnlyList<SigningKey> Keys, DateTimeOffset LoadedAt)? _snapshot;

    private TimeSpan ActivationDelay =>
        options.Value.SigningKeys.ActivationDelay ?? (environment.IsDevelopment() ? TimeSpan.FromSeconds(15) : TimeSpan.FromMinutes(10));

    /// <summary>The key that signs now.</summary>
    public async Task<SigningKey> GetActiveAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var keys = await GetKeysAsync(cancellationToken);
        return keys.LastOrDefault(k => k.ActivatesAt <= now) ?? keys[0];
    }

    /// <summary>The keys validators must know now.</summary>
    public async Task<IReadOnlyList<SigningKey>> GetPublishedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var keys = await GetKeysAsync(cancellationToken);
        var keep = options.Value.TokenLifetime + TimeSpan.FromMinutes(5);
        var published = new List<SigningKey>();
        for (var i = 0; i < keys.Count; i++)
        {
            var supersededAt = keys.Skip(i + 1).FirstOrDefault(k => k.ActivatesAt <= now)?.ActivatesAt;
            if (supersededAt is null || supersededAt.Value + keep > now)
            {
                published.Add(keys[i]);
            }
        }
        return published;
    }

    /// <summary>Makes a key when there is none, or when the newest is older than the rotation age.</summary>
    public async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        var rotateAfter = options.Value.SigningKeys.RotateAfter;
        await CreateAsync(newestOlderThan: rotateAfter, cancellationToken);
    }

    /// <summary>Makes a new key now (operator request); it signs after the activation delay.</summary>
    public Task<SigningKey?> RotateAsync(CancellationToken cancellationToken) => CreateAsync(newestOlderThan: null, cancellationToken);

    private async Task<SigningKey?> CreateAsync(TimeSpan? newestOlderThan, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("select pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", RotationLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (newestOlderThan is { } age)
        {
            await using var newest = new NpgsqlCommand("select max(created_at) from signing_keys", connection, transaction);
            if (await newest.ExecuteScalarAsync(cancellationToken) is DateTime createdAt && createdAt + age > now)
            {
                await transaction.RollbackAsync(cancellationToken);
                return null;
            }
        }

        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12));
        await using (var empty = new NpgsqlCommand("select count(*) from signing_keys", connection, transaction))
        {
            // The very first key signs at once: there is nothing a validator could have cached.
            var first = (long)(await empty.ExecuteScalarAsync(cancellationToken))! == 0;
            var activatesAt = first ? now : now + ActivationDelay;
            await using var insert = new NpgsqlCommand(
                "insert into signing_keys (kid, private_key, created_at, activates_at) values (@kid, @key, @now, @activates)", connection, transaction);
            insert.Parameters.AddWithValue("kid", kid);
            insert.Parameters.AddWithValue("key", ecdsa.ExportPkcs8PrivateKey());
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.AddWithValue("activates", activatesAt);
            await insert.ExecuteNonQueryAsync(cancellationToken);

            // Keys whose tokens have all expired have no reason to stay.
            await using var prune = new NpgsqlCommand(
                """
                delete from signing_keys k where exists (
                    select 1 from signing_keys n where n.activates_at > k.activates_at and n.activates_at < @cutoff)
                """, connection, transaction);
            prune.Parameters.AddWithValue("cutoff", now - options.Value.TokenLifetime - TimeSpan.FromDays(1));
            await prune.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogCreated(logger, kid, activatesAt);
        }
        _snapshot = _snapshot is { } loaded ? (loaded.Keys, DateTimeOffset.MinValue) : null;
        var keys = await GetKeysAsync(cancellationToken);
        return keys.First(k => k.Kid == kid);
    }

    private async Task<IReadOnlyList<SigningKey>> GetKeysAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_snapshot is { } current && now - current.LoadedAt < options.Value.SigningKeys.ReloadInterval)
        {
            return current.Keys;
        }
        await _reload.WaitAsync(cancellationToken);
        try
        {
            if (_snapshot is { } again && now - again.LoadedAt < options.Value.SigningKeys.ReloadInterval)
            {
                return again.Keys;
            }
            var keys = new List<SigningKey>();
            await using (var command = dataSource.CreateCommand("select kid, private_key, created_at, activates_at from signing_keys order by activates_at, kid"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var kid = reader.GetString(0);
                    var known = _snapshot?.Keys.FirstOrDefault(k => k.Kid == kid);
                    if (known is not null)
                    {
                        keys.Add(known);
                        continue;
                    }
                    var ecdsa = ECDsa.Create();
                    ecdsa.ImportPkcs8PrivateKey(reader.GetFieldValue<byte[]>(1), out _);
                    keys.Add(new SigningKey(kid, new ECDsaSecurityKey(ecdsa) { KeyId = kid }, reader.GetDateTime(2), reader.GetDateTime(3)));
                }
            }
            if (keys.Count == 0)
            {
                throw new InvalidOperationException("No signing key exists; EnsureCurrentAsync runs at start-up.");
            }
            _snapshot = (keys, now);
            return keys;
        }
        finally
        {
            _reload.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created signing key {Kid}, active from {ActivatesAt:O}")]
    private static partial void LogCreated(ILogger logger, string kid, DateTime activatesAt);
}

/// <summary>Rotates the signing key when it reaches its configured age; checks every minute.</summary>
public sealed partial class SigningKeyRotator(SigningKeyStore store, ILogger<SigningKeyRotator> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await store.EnsureCurrentAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                LogFailed(logger, ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing key rotation check failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
