using Microsoft.Extensions.Options;
using Npgsql;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Chain.Transactions;
using Tokenizer.TokenAdmin.Chain;

namespace Tokenizer.TokenAdmin.Commands;

/// <summary>
/// Moves sent commands to confirmed or failed by their receipts (any hash the command ever had counts), resends the
/// stored bytes of a transaction the node does not mine, puts a command whose nonce another transaction took back to
/// submitted (its transaction can never land), and executes submitted commands no message is driving any more.
/// Replicas share the rows with SKIP LOCKED. A node that does not answer fails nothing: the round is simply retried.
/// </summary>
public sealed partial class CommandTracker(
    NpgsqlDataSource dataSource, EthRpcClient rpc, PlatformChain chain, CommandChainReader reader, CommandExecutor executor, FeeBumper bumper,
    CommandMetrics metrics, IOptions<OperatorCommandOptions> options, ILogger<CommandTracker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (chain.IsReady)
                {
                    var factory = (await chain.GetAsync(stoppingToken)).Factory.Address.ToLowerHex();
                    await TrackSentAsync(factory, settings, stoppingToken);
                    await SweepSubmittedAsync(factory, settings, stoppingToken);
                    await ReportBacklogAsync(factory, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(logger, e.Message);
            }
            await Task.Delay(settings.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task TrackSentAsync(string factory, OperatorCommandOptions settings, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var sent = new List<OperatorCommand>();
        await using (var select = new NpgsqlCommand(
            $"""
            select {OperatorCommandStore.Columns} from operator_commands where factory = @factory and status = 'sent'
            order by sent_at limit @limit for update skip locked
            """, connection, transaction))
        {
            select.Parameters.AddWithValue("factory", factory);
            select.Parameters.AddWithValue("limit", settings.BatchSize);
            await using var rows = await select.ExecuteReaderAsync(ct);
            while (await rows.ReadAsync(ct))
            {
                sent.Add(OperatorCommandStore.Read(rows));
            }
        }
        if (sent.Count == 0)
        {
            return;
        }

        var head = await rpc.GetBlockNumberAsync(ct);
        // Every hash of the round in one JSON-RPC batch: one round trip to the node, however many commands are in flight.
        var hashes = sent.SelectMany(c => c.TxHashes).Distinct(StringComparer.Ordinal).ToList();
        var answers = await rpc.GetTransactionReceiptsAsync(hashes.Select(Hash32.Parse).ToList(), ct);
        var receipts = hashes.Zip(answers).Where(p => p.Second is not null).ToDictionary(p => p.First, p => p.Second!, StringComparer.Ordinal);
        var stuck = new List<string>();
        var spent = new List<(ulong Nonce, Hash32 Hash)>();
        var confirmed = new List<(string CommandId, string Hash, long Block)>();
        foreach (var command in sent)
        {
            // Newest first: after a replacement the latest hash is the likely one, but a late older one counts too.
            var receipt = command.TxHashes.Reverse().Select(h => receipts.GetValueOrDefault(h)).FirstOrDefault(r => r is not null);

            if (receipt is null)
            {
                // No receipt yet is not a failure; only a long silence makes us look closer.
                if (command.TxNonce is not null && DateTimeOffset.UtcNow - command.SentAt > settings.BumpAfter)
                {
                    stuck.Add(command.CommandId);
                }
                else if (DateTimeOffset.UtcNow - command.UpdatedAt > settings.RebroadcastAfter)
                {
                    await ReconcileAsync(connection, transaction, command, ct);
                }
                continue;
            }
            if (head + 1 < receipt.BlockNumber + (ulong)Math.Max(1, settings.Confirmations))
            {
                continue;
            }
            await CompleteAsync(connection, transaction, command, receipt, confirmed, ct);
            if (command.TxNonce is { } nonce)
            {
                // The nonce is spent either way; the durable store stops resending it at start-up.
                spent.Add(((ulong)nonce, receipt.TransactionHash));
            }
        }
        // One statement each for the round, committed together with the failures it found.
        await ConfirmAsync(connection, transaction, confirmed, ct);
        await PostgresNonceStore.MarkConfirmedAsync(connection, transaction, chain.Signer, spent, ct);
        await transaction.CommitAsync(ct);

        // Each replacement commits its own bytes before it is broadcast, so it runs after this round's locks are gone.
        foreach (var commandId in stuck)
        {
            await bumper.BumpAsync(commandId, ct);
        }
    }

    /// <summary>A failed receipt fails its command now (with its reason); a successful one is added to the round's batch.</summary>
    private async Task CompleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OperatorCommand command, TransactionReceipt receipt,
        List<(string CommandId, string Hash, long Block)> confirmed, CancellationToken ct)
    {
        if (receipt.Succeeded)
        {
            confirmed.Add((command.CommandId, receipt.TransactionHash.ToString(), checked((long)receipt.BlockNumber)));
            metrics.Confirmed(command.Kind);
            LogConfirmed(logger, command.CommandId, receipt.TransactionHash.ToString(), receipt.BlockNumber);
        }
        else
        {
            var reason = await ExplainAsync(command, receipt, ct);
            await CommandExecutor.FailAsync(connection, transaction, command, reason, ct);
            metrics.Failed(command.Kind);
            LogFailedOnChain(logger, command.CommandId, receipt.TransactionHash.ToString(), reason);
        }
    }

    private static async Task ConfirmAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<(string CommandId, string Hash, long Block)> confirmed, CancellationToken ct)
    {
        if (confirmed.Count == 0)
        {
            return;
        }
        await using var update = new NpgsqlCommand(
            """
            update operator_commands c set status = 'confirmed', update_id = r.hash, block_number = r.block, updated_at = now(), completed_at = now()
            from unnest(@ids, @hashes, @blocks) as r(id, hash, block)
            where c.command_id = r.id
            """, connection, transaction);
        update.Parameters.AddWithValue("ids", confirmed.Select(c => c.CommandId).ToArray());
        update.Parameters.AddWithValue("hashes", confirmed.Select(c => c.Hash).ToArray());
        update.Parameters.AddWithValue("blocks", confirmed.Select(c => c.Block).ToArray());
        await update.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The revert reason of a failed transaction: its call replayed on the state before its block.</summary>
    private async Task<string> ExplainAsync(OperatorCommand command, TransactionReceipt receipt, CancellationToken ct)
    {
        var stored = await reader.FindStoredBytesAsync(chain.Signer, receipt.TransactionHash, ct);
        if (stored is not null && TransactionDecoder.Decode(stored.Raw).Transaction is Eip1559Transaction { To: { } to } sent && receipt.BlockNumber > 0)
        {
            try
            {
                await rpc.CallAsync(new CallRequest { From = chain.Signer, To = to, Data = sent.Data, Gas = sent.GasLimit }, BlockTag.Number(receipt.BlockNumber - 1), ct);
            }
            catch (RpcException e) when (ContractRevertException.TryFromRpc(e, RevertSource.Transaction, command.Kind, to, out var revert))
            {
                return FailureReasons.Describe(revert!);
            }
        }
        return $"transaction {receipt.TransactionHash} reverted on chain (used {receipt.GasUsed} gas)";
    }

    /// <summary>
    /// A transaction without a receipt for a while: resend its exact stored bytes; if its nonce was used by another
    /// transaction (outside the platform), it can never land, so the command goes back to submitted and is signed
    /// again with a fresh nonce — still exactly once, as the contract refuses a second use of the command id.
    /// </summary>
    private async Task ReconcileAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OperatorCommand command, CancellationToken ct)
    {
        var token = Address.Parse(command.InstrumentId);
        var commandHash = Hash32.Parse(command.CommandHash);
        if (await reader.FindExecutionAsync(token, commandHash, ct) is { TransactionHash: { } landed })
        {
            // Landed under a hash we had not recorded: the next round confirms it by its receipt.
            await TouchAsync(connection, transaction, command, landed.ToString(), ct);
            return;
        }

        var latest = Hash32.Parse(command.TxHashes[^1]);
        var stored = await reader.FindStoredBytesAsync(chain.Signer, latest, ct);
        var nonceTaken = false;
        if (stored is not null)
        {
            try
            {
                await rpc.SendRawTransactionAsync(stored, ct);
                metrics.Rebroadcast();
                LogRebroadcast(logger, command.CommandId, latest.ToString());
            }
            catch (RpcException e) when (e.IsAlreadyKnown)
            {
                // The node has it and will mine it.
            }
            catch (RpcException e) when (e.IsNonceTooLow)
            {
                nonceTaken = true;
            }
            catch (RpcException e)
            {
                // E.g. a replacement the pool refused: the other hashes are still tracked.
                LogRebroadcastRefused(logger, command.CommandId, e.RpcMessage);
            }
        }
        else if (command.TxNonce is { } nonce && await rpc.GetTransactionByHashAsync(latest, ct) is null)
        {
            nonceTaken = await rpc.GetTransactionCountAsync(chain.Signer, BlockTag.Latest, ct) > (ulong)nonce;
        }

        if (nonceTaken && await reader.FindExecutionAsync(token, commandHash, ct) is null)
        {
            await ReopenAsync(connection, transaction, command, stored, ct);
            return;
        }
        await TouchAsync(connection, transaction, command, null, ct);
    }

    private async Task ReopenAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OperatorCommand command, SignedTransaction? stored, CancellationToken ct)
    {
        if (stored is not null)
        {
            await using var delete = new NpgsqlCommand(
                "delete from chain_transactions where sender = @sender and hash = @hash and status = 'pending'", connection, transaction);
            delete.Parameters.AddWithValue("sender", chain.Signer.ToLowerHex());
            delete.Parameters.AddWithValue("hash", stored.Hash.ToString());
            await delete.ExecuteNonQueryAsync(ct);
        }
        // The NonceManager's cached next nonce may be the taken one; it resyncs on the node's "nonce too low".
        await using var update = new NpgsqlCommand(
            "update operator_commands set status = 'submitted', tx_nonce = null, updated_at = now() - interval '1 hour' where command_id = @id",
            connection, transaction);
        update.Parameters.AddWithValue("id", command.CommandId);
        await update.ExecuteNonQueryAsync(ct);
        LogNonceTaken(logger, command.CommandId, command.TxNonce);
    }

    private static async Task TouchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OperatorCommand command, string? addHash, CancellationToken ct)
    {
        await using var update = new NpgsqlCommand(
            """
            update operator_commands set updated_at = now(),
                tx_hashes = case when @hash::text is null or @hash = any(tx_hashes) then tx_hashes else tx_hashes || @hash end
            where command_id = @id
            """, connection, transaction);
        update.Parameters.AddWithValue("id", command.CommandId);
        update.Parameters.Add(new NpgsqlParameter("hash", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)addHash ?? DBNull.Value });
        await update.ExecuteNonQueryAsync(ct);
    }

    private async Task SweepSubmittedAsync(string factory, OperatorCommandOptions settings, CancellationToken ct)
    {
        var stale = new List<string>();
        await using (var select = dataSource.CreateCommand(
            """
            select command_id from operator_commands where factory = @factory and status = 'submitted' and updated_at < now() - @age
            order by created_at limit 50
            """))
        {
            select.Parameters.AddWithValue("factory", factory);
            select.Parameters.AddWithValue("age", settings.SweepAfter);
            await using var rows = await select.ExecuteReaderAsync(ct);
            while (await rows.ReadAsync(ct))
            {
                stale.Add(rows.GetString(0));
            }
        }
        foreach (var commandId in stale)
        {
            await executor.ExecuteAsync(commandId, ct);
        }
    }

    private async Task ReportBacklogAsync(string factory, CancellationToken ct)
    {
        await using var select = dataSource.CreateCommand(
            """
            select count(*), coalesce(extract(epoch from now() - min(created_at)), 0)::float8 from operator_commands
            where factory = @factory and status in ('submitted', 'sent')
            """);
        select.Parameters.AddWithValue("factory", factory);
        await using var row = await select.ExecuteReaderAsync(ct);
        if (await row.ReadAsync(ct))
        {
            metrics.SetBacklog(row.GetInt64(0), TimeSpan.FromSeconds(row.GetDouble(1)));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command tracking round failed ({Reason}); retrying")]
    private static partial void LogRoundFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} confirmed by {Hash} in block {Block}")]
    private static partial void LogConfirmed(ILogger logger, string commandId, string hash, ulong block);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId}: transaction {Hash} reverted: {Reason}")]
    private static partial void LogFailedOnChain(ILogger logger, string commandId, string hash, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId}: resent the stored bytes of {Hash}")]
    private static partial void LogRebroadcast(ILogger logger, string commandId, string hash);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId}: the node refused the resent bytes: {Reason}")]
    private static partial void LogRebroadcastRefused(ILogger logger, string commandId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId}: nonce {Nonce} was taken by another transaction; signing it again")]
    private static partial void LogNonceTaken(ILogger logger, string commandId, long? nonce);
}
