using System.Numerics;
using Npgsql;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Nonces;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Messages.Commands;
using Tokenizer.ServiceDefaults.Messaging;
using Tokenizer.TokenAdmin.Chain;

namespace Tokenizer.TokenAdmin.Commands;

/// <summary>
/// Signs and sends one stored command, exactly once. The command's row is locked while it runs (a redelivery or the
/// sweeper waits its turn elsewhere), and before anything is signed the nonce store and the contract (its pre-flight
/// refuses an executed command id) tell whether a transaction for it exists already: a crash after the broadcast
/// resumes tracking that transaction instead of signing a second one. Node failures throw, so the caller retries; only the contract's own answer fails a command.
/// </summary>
public sealed partial class CommandExecutor(
    NpgsqlDataSource dataSource, EthRpcClient rpc, PlatformChain chain, CommandChainReader reader, CommandMetrics metrics, ILogger<CommandExecutor> logger)
{
    /// <summary>Runs the command if it is this deployment's and still waiting; false when it was not (skipped or busy).</summary>
    public async Task<bool> ExecuteAsync(string commandId, CancellationToken ct)
    {
        var context = await chain.GetAsync(ct);
        var factory = context.Factory.Address.ToLowerHex();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        OperatorCommand? command;
        await using (var select = new NpgsqlCommand(
            $"select {OperatorCommandStore.Columns} from operator_commands where command_id = @id for update skip locked", connection, transaction))
        {
            select.Parameters.AddWithValue("id", commandId);
            await using var row = await select.ExecuteReaderAsync(ct);
            command = await row.ReadAsync(ct) ? OperatorCommandStore.Read(row) : null;
        }
        if (command is null)
        {
            // Unknown id, or another worker holds the row right now (it finishes the job, or the sweeper retries).
            return false;
        }
        if (command.Factory != factory)
        {
            LogOtherDeployment(logger, commandId, command.Factory);
            return false;
        }
        if (command.Status != CommandStatus.Submitted)
        {
            return false;
        }

        var token = Address.Parse(command.InstrumentId);
        var commandHash = Hash32.Parse(command.CommandHash);
        var signer = chain.Signer;

        // A transaction signed for this command by an earlier attempt is in the nonce store (bytes stored before any
        // broadcast) until its receipt is in: found, it is tracked, never signed again. One that landed already makes the
        // pre-flight estimate revert (CommandAlreadyExecuted, or a rule the contract checks first), and every refusal
        // looks for the command's event before it fails the command; asking the chain first would cost every command an
        // eth_call for what is nearly always "not executed".
        if (await reader.FindStoredTransactionAsync(signer, token, commandHash, ct) is { } stored)
        {
            await MarkSentAsync(connection, transaction, command, stored.Hash, stored.Nonce, ct);
            await transaction.CommitAsync(ct);
            return true;
        }

        var call = await BuildCallAsync(command, token, commandHash, ct);
        if (call.Error is { } refused)
        {
            // An ERC721 burn that ran already leaves fewer ids than it asks: it is looked for before it fails.
            if (await reader.FindExecutionAsync(token, commandHash, ct) is { TransactionHash: { } burned })
            {
                await MarkSentAsync(connection, transaction, command, burned, null, ct);
                await transaction.CommitAsync(ct);
                return true;
            }
            await MarkFailedAsync(connection, transaction, command, refused, ct);
            await transaction.CommitAsync(ct);
            return true;
        }

        try
        {
            var sent = await context.Sender.SendAsync(call.Call!, ct: ct);
            await MarkSentAsync(connection, transaction, command, sent.Hash, sent.Nonce, ct);
        }
        catch (BroadcastOutcomeUnknownException unknown)
        {
            // The bytes are stored and the nonce is used: the tracker resends exactly these bytes until a receipt says.
            await MarkSentAsync(connection, transaction, command, unknown.Transaction.Hash, unknown.Transaction.Nonce, ct);
        }
        catch (ContractRevertException revert) when (revert.Is(ContractErrors.CommandAlreadyExecuted))
        {
            // Executed already (an earlier attempt's transaction landed and this row never learned its hash): track it.
            if (await reader.FindExecutionAsync(token, commandHash, ct) is not { TransactionHash: { } landed })
            {
                // Its event is not readable yet (a node behind the one that estimated): the next attempt looks again.
                throw new InvalidOperationException($"Command {commandId} was executed, its transaction not found yet; reconciling on retry.", revert);
            }
            await MarkSentAsync(connection, transaction, command, landed, null, ct);
        }
        catch (ContractRevertException revert)
        {
            // The pre-flight is the contract's own answer, and nothing was signed. The contract may check another rule
            // (paused, frozen, …) before the command id, so a command that ran already is looked for before it fails.
            if (await reader.FindExecutionAsync(token, commandHash, ct) is { TransactionHash: { } landed })
            {
                await MarkSentAsync(connection, transaction, command, landed, null, ct);
            }
            else
            {
                await MarkFailedAsync(connection, transaction, command, FailureReasons.Describe(revert), ct);
            }
        }
        await transaction.CommitAsync(ct);
        return true;
    }

    private async Task<(ContractCall? Call, string? Error)> BuildCallAsync(OperatorCommand command, Address token, Hash32 commandHash, CancellationToken ct)
    {
        var party = Address.Parse(command.PartyId);
        var erc20 = command.TokenKind == "erc20";
        if (command.Kind == "mint")
        {
            return (erc20
                ? new TokenizerErc20Contract(rpc, token).Mint(commandHash, party, command.BaseUnits)
                : new TokenizerErc721Contract(rpc, token).Mint(commandHash, party, command.BaseUnits), null);
        }
        if (erc20)
        {
            return (new TokenizerErc20Contract(rpc, token).Burn(commandHash, party, command.BaseUnits), null);
        }

        var count = (int)BigInteger.Min(command.BaseUnits, int.MaxValue);
        var ids = await reader.LowestTokenIdsAsync(token, party, count, ct);
        return ids.Count < count
            ? (null, $"insufficient balance: {command.PartyId} holds {ids.Count} token ids, {count} asked")
            : (new TokenizerErc721Contract(rpc, token).Burn(commandHash, party, ids), null);
    }

    private async Task MarkSentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OperatorCommand command, Hash32 hash, ulong? nonce, CancellationToken ct)
    {
        await using var update = new NpgsqlCommand(
            """
            update operator_commands set status = 'sent', attempts = attempts + 1, tx_nonce = coalesce(@nonce, tx_nonce),
                tx_hashes = case when @hash = any(tx_hashes) then tx_hashes else tx_hashes || @hash end,
                sent_at = now(), updated_at = now()
            where command_id = @id
            """, connection, transaction);
        update.Parameters.AddWithValue("id", command.CommandId);
        update.Parameters.AddWithValue("hash", hash.ToString());
        update.Parameters.Add(new NpgsqlParameter("nonce", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = nonce is { } n ? (long)n : DBNull.Value });
        await update.ExecuteNonQueryAsync(ct);
        metrics.Sent(command.Kind);
        LogSent(logger, command.CommandId, hash.ToString(), nonce);
    }

    internal static async Task FailAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OperatorCommand command, string reason, CancellationToken ct)
    {
        await using var update = new NpgsqlCommand(
            """
            update operator_commands set status = 'failed', failure_reason = @reason, updated_at = now(), completed_at = now()
            where command_id = @id
            """, connection, transaction);
        update.Parameters.AddWithValue("id", command.CommandId);
        update.Parameters.AddWithValue("reason", reason);
        await update.ExecuteNonQueryAsync(ct);
        await Outbox.EnqueueAsync(connection, transaction,
            new CommandFailed(command.CommandId, command.CommandHash, command.Kind, command.InstrumentId, reason, DateTimeOffset.UtcNow), ct);
    }

    private async Task MarkFailedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OperatorCommand command, string reason, CancellationToken ct)
    {
        await FailAsync(connection, transaction, command, reason, ct);
        metrics.Failed(command.Kind);
        LogFailed(logger, command.CommandId, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} belongs to factory {Factory}, not this deployment's; skipped")]
    private static partial void LogOtherDeployment(ILogger logger, string commandId, string factory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} sent as {Hash} (nonce {Nonce})")]
    private static partial void LogSent(ILogger logger, string commandId, string hash, ulong? nonce);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string commandId, string reason);
}
