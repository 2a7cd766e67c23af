using System.Numerics;
using Microsoft.Extensions.Options;
using Npgsql;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Chain.Transactions;
using Tokenizer.TokenAdmin.Chain;

namespace Tokenizer.TokenAdmin.Commands;

/// <summary>
/// Replaces a command's transaction that is not being mined: the same nonce, call and gas limit, both fees raised by
/// at least the configured percentage (and to at least what the chain asks now). The replacement's bytes are stored
/// and its hash added to the command before the broadcast, so whichever of its hashes lands, the tracker counts it.
/// </summary>
public sealed partial class FeeBumper(
    NpgsqlDataSource dataSource, EthRpcClient rpc, PlatformChain chain, CommandChainReader reader, CommandMetrics metrics,
    IOptions<ChainOptions> chainOptions, IOptions<OperatorCommandOptions> options, ILogger<FeeBumper> logger)
{
    private readonly EthKey _key = EthKey.FromHex(chainOptions.Value.SignerPrivateKey);

    public async Task BumpAsync(string commandId, CancellationToken ct)
    {
        var context = await chain.GetAsync(ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        OperatorCommand? command;
        await using (var select = new NpgsqlCommand(
            $"select {OperatorCommandStore.Columns} from operator_commands where command_id = @id and status = 'sent' for update skip locked", connection, transaction))
        {
            select.Parameters.AddWithValue("id", commandId);
            await using var row = await select.ExecuteReaderAsync(ct);
            command = await row.ReadAsync(ct) ? OperatorCommandStore.Read(row) : null;
        }
        if (command is null || command.TxNonce is null || command.TxHashes.Count == 0)
        {
            return;
        }
        foreach (var hash in command.TxHashes)
        {
            if (await rpc.GetTransactionReceiptAsync(Hash32.Parse(hash), ct) is not null)
            {
                return; // landed meanwhile: the tracker confirms it
            }
        }
        var latest = await reader.FindStoredBytesAsync(_key.Address, Hash32.Parse(command.TxHashes[^1]), ct);
        if (latest is null || TransactionDecoder.Decode(latest.Raw).Transaction is not Eip1559Transaction previous)
        {
            return;
        }

        var now = await context.Sender.GetFeesAsync(ct);
        var percent = Math.Max(10, options.Value.FeeBumpPercent);
        var tip = BigInteger.Max(Raise(previous.MaxPriorityFeePerGas, percent), now.MaxPriorityFeePerGas);
        var maxFee = BigInteger.Max(BigInteger.Max(Raise(previous.MaxFeePerGas, percent), now.MaxFeePerGas), tip);
        if (context.Sender.Options.MaxFeePerGas is { } cap && maxFee > cap)
        {
            LogCapped(logger, command.CommandId, cap.ToString());
            return;
        }
        var replacement = (previous with { MaxPriorityFeePerGas = tip, MaxFeePerGas = maxFee }).Sign(_key);

        await using (var insert = new NpgsqlCommand(
            """
            insert into operator_command_replacements (hash, command_id, sender, nonce, raw) values (@hash, @id, @sender, @nonce, @raw);
            update operator_commands set tx_hashes = tx_hashes || @hash, attempts = attempts + 1, sent_at = now(), updated_at = now() where command_id = @id;
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("hash", replacement.Hash.ToString());
            insert.Parameters.AddWithValue("id", command.CommandId);
            insert.Parameters.AddWithValue("sender", _key.Address.ToLowerHex());
            insert.Parameters.AddWithValue("nonce", checked((long)replacement.Nonce));
            insert.Parameters.AddWithValue("raw", replacement.Raw);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);

        try
        {
            await rpc.SendRawTransactionAsync(replacement, ct);
            metrics.FeeBumped();
            LogBumped(logger, command.CommandId, replacement.Hash.ToString(), replacement.Nonce, maxFee.ToString(), tip.ToString());
        }
        catch (RpcException e)
        {
            // Refused (the old one was mined, or the pool wants more): it stays on record and the tracker goes on
            // with every hash; nothing is lost by a replacement that never travels.
            LogBumpRefused(logger, command.CommandId, e.RpcMessage);
        }
    }

    private static BigInteger Raise(BigInteger fee, int percent) => (fee * (100 + percent) + 99) / 100;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId}: replaced its stuck transaction with {Hash} (nonce {Nonce}, maxFee {MaxFee}, tip {Tip})")]
    private static partial void LogBumped(ILogger logger, string commandId, string hash, ulong nonce, string maxFee, string tip);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId}: the node refused the replacement: {Reason}")]
    private static partial void LogBumpRefused(ILogger logger, string commandId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId}: a fee bump would pass the configured cap {Cap}; waiting")]
    private static partial void LogCapped(ILogger logger, string commandId, string cap);
}
