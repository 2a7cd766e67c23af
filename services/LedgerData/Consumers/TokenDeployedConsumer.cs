using MassTransit;
using Npgsql;
using Tokenizer.LedgerData.Ingest;
using Tokenizer.Messages.Tokens;

namespace Tokenizer.LedgerData.Consumers;

/// <summary>Makes a newly deployed token a known instrument, so its empty history is [] rather than 404.</summary>
public sealed class TokenDeployedConsumer(NpgsqlDataSource dataSource) : IConsumer<TokenDeployed>
{
    public async Task Consume(ConsumeContext<TokenDeployed> context)
    {
        var message = context.Message;
        await using var command = dataSource.CreateCommand(
            "insert into instruments (instrument_id, token_type, decimals) values (@id, @type, @decimals) on conflict do nothing");
        command.Parameters.AddWithValue("id", FeedValues.Checksummed(message.Address, "Address"));
        command.Parameters.AddWithValue("type", message.Kind);
        command.Parameters.AddWithValue("decimals", message.Decimals);
        await command.ExecuteNonQueryAsync(context.CancellationToken);
    }
}
