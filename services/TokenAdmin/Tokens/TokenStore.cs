using Npgsql;
using Tokenizer.Chain.Primitives;

namespace Tokenizer.TokenAdmin.Tokens;

/// <summary>Self-service tokens of this platform's factory (another platform sharing the database sees its own).</summary>
public sealed class TokenStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "address, kind, name, symbol, decimals, permissionless, base_uri, creator, owner, salt, deploy_tx, created_at";

    public async Task<TokenRecord?> FindAsync(Address factory, Address token, CancellationToken ct)
    {
        await using var select = dataSource.CreateCommand($"select {Columns} from tokens where address = @address and factory = @factory");
        select.Parameters.AddWithValue("address", token.ToString());
        select.Parameters.AddWithValue("factory", factory.ToLowerHex());
        await using var reader = await select.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<TokenRecord>> ListAsync(Address factory, Guid creator, CancellationToken ct)
    {
        await using var select = dataSource.CreateCommand(
            $"select {Columns} from tokens where factory = @factory and creator = @creator order by created_at desc, address");
        select.Parameters.AddWithValue("factory", factory.ToLowerHex());
        select.Parameters.AddWithValue("creator", creator);
        var tokens = new List<TokenRecord>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            tokens.Add(Read(reader));
        }
        return tokens;
    }

    /// <summary>Records a deployed token in the caller's transaction (a resent deploy that landed before is kept as it was).</summary>
    public static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Address factory, TokenRecord token, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand(
            $"""
            insert into tokens ({Columns}, factory)
            values (@address, @kind, @name, @symbol, @decimals, @permissionless, @base_uri, @creator, @owner, @salt, @deploy_tx, @created_at, @factory)
            on conflict (address) do nothing
            """, connection, transaction);
        insert.Parameters.AddWithValue("address", token.Address);
        insert.Parameters.AddWithValue("kind", token.Kind);
        insert.Parameters.AddWithValue("name", token.Name);
        insert.Parameters.AddWithValue("symbol", token.Symbol);
        insert.Parameters.AddWithValue("decimals", token.Decimals);
        insert.Parameters.AddWithValue("permissionless", token.Permissionless);
        insert.Parameters.AddWithValue("base_uri", (object?)token.BaseUri ?? DBNull.Value);
        insert.Parameters.AddWithValue("creator", token.Creator);
        insert.Parameters.AddWithValue("owner", token.Owner);
        insert.Parameters.AddWithValue("salt", token.Salt);
        insert.Parameters.AddWithValue("deploy_tx", token.DeployTransaction);
        insert.Parameters.AddWithValue("created_at", token.CreatedAt);
        insert.Parameters.AddWithValue("factory", factory.ToLowerHex());
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static TokenRecord Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetBoolean(5),
        reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetGuid(7), reader.GetString(8), reader.GetString(9), reader.GetString(10),
        reader.GetFieldValue<DateTimeOffset>(11));
}
