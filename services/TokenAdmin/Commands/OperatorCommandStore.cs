using System.Numerics;
using Npgsql;
using Tokenizer.Messages.Commands;
using Tokenizer.ServiceDefaults.Messaging;

namespace Tokenizer.TokenAdmin.Commands;

/// <summary>How an accept ended: stored now, or found stored before (with the same or another body).</summary>
public enum AcceptOutcome
{
    Accepted,
    Repeated,
    Conflict,
}

/// <summary>
/// The <c>operator_commands</c> table. Accepting is one transaction: the row, the ExecuteCommand for the consumers and
/// the CommandSubmitted for the read model all commit together or not at all. The primary key decides concurrent
/// repeats: exactly one insert wins, the others read the winner's body hash.
/// </summary>
public sealed class OperatorCommandStore(NpgsqlDataSource dataSource)
{
    internal const string Columns =
        """
        command_id, command_hash, kind, factory, instrument_id, token_kind, party_id, amount, base_units, body_hash, status,
        attempts, tx_nonce, tx_hashes, update_id, block_number, failure_reason, created_at, sent_at, updated_at, completed_at
        """;

    public NpgsqlDataSource DataSource => dataSource;

    public async Task<OperatorCommand?> FindAsync(string commandId, CancellationToken ct)
    {
        await using var select = dataSource.CreateCommand($"select {Columns} from operator_commands where command_id = @id");
        select.Parameters.AddWithValue("id", commandId);
        await using var reader = await select.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>
    /// Stores the command with both messages: one batch, one implicit transaction, one round trip
    /// (<c>accept_operator_command</c>, migration 0013). When the id is taken the batch keeps nothing and the stored
    /// command is read, to tell a repeat from a conflict.
    /// </summary>
    public async Task<(AcceptOutcome Outcome, OperatorCommand Command)> AcceptAsync(OperatorCommand command, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        var accept = new NpgsqlBatchCommand("select accept_operator_command($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
        foreach (var value in new object[] { command.CommandId, command.CommandHash, command.Kind, command.Factory, command.InstrumentId, command.TokenKind,
                     command.PartyId, command.Amount, command.BaseUnits, command.BodyHash })
        {
            accept.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        batch.BatchCommands.Add(accept);
        Outbox.Add(batch, new ExecuteCommand(command.CommandId));
        Outbox.Add(batch, new CommandSubmitted(command.CommandId, command.CommandHash, command.Kind,
            command.InstrumentId, command.PartyId, command.Amount, "operator", DateTimeOffset.UtcNow));
        try
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == CommandIdTaken)
        {
            // Another request with this id committed first (the insert waited for it if it was still committing).
            var existing = await FindAsync(command.CommandId, ct) ?? throw new InvalidOperationException($"Command {command.CommandId} vanished.");
            return (existing.BodyHash == command.BodyHash ? AcceptOutcome.Repeated : AcceptOutcome.Conflict, existing);
        }
        return (AcceptOutcome.Accepted, command);
    }

    /// <summary>The SQLSTATE <c>accept_operator_command</c> raises when the command id is taken.</summary>
    private const string CommandIdTaken = "TZ409";

    public async Task<(IReadOnlyList<OperatorCommand> Items, long Total)> ListAsync(string factory, string? status, int limit, int offset, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        const string Filter = "factory = @factory and (@status::text is null or status = @status)";
        await using var count = new NpgsqlCommand($"select count(*) from operator_commands where {Filter}", connection);
        count.Parameters.AddWithValue("factory", factory);
        count.Parameters.Add(new NpgsqlParameter("status", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)status ?? DBNull.Value });
        var total = (long)(await count.ExecuteScalarAsync(ct))!;

        await using var select = new NpgsqlCommand(
            $"select {Columns} from operator_commands where {Filter} order by created_at desc, command_id limit @limit offset @offset", connection);
        select.Parameters.AddWithValue("factory", factory);
        select.Parameters.Add(new NpgsqlParameter("status", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)status ?? DBNull.Value });
        select.Parameters.AddWithValue("limit", limit);
        select.Parameters.AddWithValue("offset", offset);
        var items = new List<OperatorCommand>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(Read(reader));
        }
        return (items, total);
    }

    internal static OperatorCommand Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
        reader.GetString(6), reader.GetString(7), reader.GetFieldValue<BigInteger>(8), reader.GetString(9), reader.GetString(10),
        reader.GetInt32(11), reader.IsDBNull(12) ? null : reader.GetInt64(12), reader.GetFieldValue<string[]>(13),
        reader.IsDBNull(14) ? null : reader.GetString(14), reader.IsDBNull(15) ? null : reader.GetInt64(15),
        reader.IsDBNull(16) ? null : reader.GetString(16), reader.GetFieldValue<DateTimeOffset>(17),
        reader.IsDBNull(18) ? null : reader.GetFieldValue<DateTimeOffset>(18), reader.GetFieldValue<DateTimeOffset>(19),
        reader.IsDBNull(20) ? null : reader.GetFieldValue<DateTimeOffset>(20));
}
