using Npgsql;

namespace Tokenizer.Identity.Data;

/// <summary>OAuth client-credentials clients (operators); secrets stored hashed.</summary>
public sealed class OperatorClientStore(NpgsqlDataSource dataSource)
{
    public async Task<string?> FindSecretHashAsync(string clientId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select secret_hash from operator_clients where client_id = @id and disabled_at is null");
        command.Parameters.AddWithValue("id", clientId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Creates the client unless it exists (an existing client's secret is never overwritten).</summary>
    public async Task<bool> CreateIfMissingAsync(string clientId, string secretHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "insert into operator_clients (client_id, secret_hash) values (@id, @hash) on conflict (client_id) do nothing");
        command.Parameters.AddWithValue("id", clientId);
        command.Parameters.AddWithValue("hash", secretHash);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
