using MassTransit;
using Npgsql;
using Tokenizer.Chain.Contracts;
using Tokenizer.LedgerData.Ingest;
using Tokenizer.Messages.Commands;

namespace Tokenizer.LedgerData.Consumers;

/// <summary>
/// Remembers the caller's command id string for the bytes32 a mint or burn carries on chain. Keyed by the hash, so a
/// redelivery changes nothing, and read by joining at query time, so it may arrive before or after the history row.
/// </summary>
public sealed partial class CommandSubmittedConsumer(NpgsqlDataSource dataSource, ILogger<CommandSubmittedConsumer> logger) : IConsumer<CommandSubmitted>
{
    public async Task Consume(ConsumeContext<CommandSubmitted> context)
    {
        var message = context.Message;
        var hash = FeedValues.Hash(message.CommandHash, "CommandHash");
        // Only a name that really hashes to the bytes32 may stand for it in history.
        if (string.IsNullOrWhiteSpace(message.CommandId) || !string.Equals(CommandIds.ForMintOrBurn(message.CommandId).ToString(), hash, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidFeedMessageException($"CommandHash {hash} is not keccak256 of the command id");
        }

        await using var command = dataSource.CreateCommand(
            "insert into command_names (command_hash, command_id, source) values (@hash, @id, @source) on conflict do nothing");
        command.Parameters.AddWithValue("hash", hash);
        command.Parameters.AddWithValue("id", message.CommandId);
        command.Parameters.AddWithValue("source", message.Source);
        await command.ExecuteNonQueryAsync(context.CancellationToken);
        LogNamed(logger, hash);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Command {CommandHash} named")]
    private static partial void LogNamed(ILogger logger, string commandHash);
}
