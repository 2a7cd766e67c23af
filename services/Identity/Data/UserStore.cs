using Npgsql;
using Tokenizer.Messages.Identity;
using Tokenizer.ServiceDefaults.Messaging;

namespace Tokenizer.Identity.Data;

public sealed record UserAccount(Guid Id, string Email, string PasswordHash, string Plan, string Role, string? WalletAddress, DateTime CreatedAt);

/// <summary>Accounts in identitydb. Events go through the outbox in the same transaction as the change.</summary>
public sealed class UserStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string Columns = "id, email, password_hash, plan, role, wallet_address, created_at";

    /// <summary>Creates the account and enqueues <see cref="UserRegistered"/>; a taken e-mail throws a unique violation.</summary>
    public async Task<UserAccount> CreateAsync(string email, string passwordHash, CancellationToken cancellationToken)
    {
        var user = new UserAccount(Guid.CreateVersion7(), email, passwordHash, "BASIC", "user", null, Now());
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand(
            "insert into users (id, email, password_hash, plan, role, created_at, updated_at) values (@id, @email, @hash, @plan, @role, @now, @now)",
            connection, transaction))
        {
            insert.Parameters.AddWithValue("id", user.Id);
            insert.Parameters.AddWithValue("email", user.Email);
            insert.Parameters.AddWithValue("hash", user.PasswordHash);
            insert.Parameters.AddWithValue("plan", user.Plan);
            insert.Parameters.AddWithValue("role", user.Role);
            insert.Parameters.AddWithValue("now", user.CreatedAt);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await Outbox.EnqueueAsync(connection, transaction, new UserRegistered(user.Id, user.Email, user.Plan, user.CreatedAt), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return user;
    }

    public async Task<UserAccount?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from users where lower(email) = lower(@email)");
        command.Parameters.AddWithValue("email", email);
        return await ReadOneAsync(command, cancellationToken);
    }

    public async Task<UserAccount?> FindByIdAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from users where id = @id");
        command.Parameters.AddWithValue("id", id);
        return await ReadOneAsync(command, cancellationToken);
    }

    public async Task<UserAccount?> SetWalletAddressAsync(Guid id, string? walletAddress, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"update users set wallet_address = @wallet, updated_at = now() where id = @id returning {Columns}");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("wallet", (object?)walletAddress ?? DBNull.Value);
        return await ReadOneAsync(command, cancellationToken);
    }

    /// <summary>Changes the plan and enqueues <see cref="PlanChanged"/> (only when it changes). Null for an unknown user.</summary>
    public async Task<UserAccount?> ChangePlanAsync(Guid id, string plan, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        UserAccount? before;
        await using (var select = new NpgsqlCommand($"select {Columns} from users where id = @id for update", connection, transaction))
        {
            select.Parameters.AddWithValue("id", id);
            before = await ReadOneAsync(select, cancellationToken);
        }
        if (before is null)
        {
            return null;
        }
        if (before.Plan == plan)
        {
            await transaction.CommitAsync(cancellationToken);
            return before;
        }
        await using (var update = new NpgsqlCommand("update users set plan = @plan, updated_at = now() where id = @id", connection, transaction))
        {
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("plan", plan);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await Outbox.EnqueueAsync(connection, transaction, new PlanChanged(id, before.Plan, plan, Now()), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return before with { Plan = plan };
    }

    public async Task<UserAccount?> SetRoleAsync(Guid id, string role, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"update users set role = @role, updated_at = now() where id = @id returning {Columns}");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("role", role);
        return await ReadOneAsync(command, cancellationToken);
    }

    private DateTime Now()
    {
        // PostgreSQL keeps microseconds; trimming here makes what we return equal to what a later read returns.
        var now = time.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % 10));
    }

    private static async Task<UserAccount?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new UserAccount(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetDateTime(6));
    }
}
