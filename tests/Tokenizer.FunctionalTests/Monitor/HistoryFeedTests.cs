using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tokenizer.Chain.Contracts;
using Tokenizer.FunctionalTests.Infrastructure;
using Tokenizer.Messages.Monitor;

namespace Tokenizer.FunctionalTests.Monitor;

/// <summary>Receives the history feed as LedgerData would: its own queue bound to the batches' exchange.</summary>
public sealed class HistoryFeedProbeConsumer(Channel<HistoryBatchConfirmed> received) : IConsumer<HistoryBatchConfirmed>
{
    public async Task Consume(ConsumeContext<HistoryBatchConfirmed> context) => await received.Writer.WriteAsync(context.Message);
}

[Collection(PlatformCollection.Name)]
public sealed class HistoryFeedTests(PlatformFixture platform)
{
    private readonly PlatformChainAccess _access = new(platform);

    [Fact]
    public async Task Final_mints_arrive_over_the_broker_and_a_replay_request_resends_the_feed_from_its_sequence()
    {
        var received = Channel.CreateUnbounded<HistoryBatchConfirmed>();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", ApplicationName = "history-feed-test" });
        builder.Configuration["ConnectionStrings:rabbitmq"] = platform.RabbitMqConnectionString;
        builder.Services.AddSingleton(received);
        builder.AddServiceBus($"history-feed-test-{Guid.NewGuid():N}", bus => bus.AddConsumer<HistoryFeedProbeConsumer>());
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBusControl>();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (bus.CheckHealth().Status != BusHealthStatus.Healthy)
            {
                DateTime.UtcNow.Should().BeBefore(deadline, "the probe's queue must be bound before the batch is published");
                await Task.Delay(100);
            }

            var chain = new MonitorChain(_access.Rpc, _access.SignerKey, _access.Factory);
            var token = await chain.DeployErc20Async(6);
            var party = PlatformChainAccess.RandomAddress();
            var commandId = $"monitor-feed-{Guid.NewGuid():N}";
            var mint = await chain.MintAsync(token, party, 1_500_000, commandId);

            var batch = await NextAsync(received, b => b.Added.Any(e => e.TransactionHash == mint.Hash.ToString()), "the mint's batch");
            batch.Factory.Should().Be(_access.Factory.ToString());
            var head = await _access.Rpc.GetBlockNumberAsync();
            batch.ToBlock.Should().BeLessThanOrEqualTo((long)head - 2, "a batch covers final blocks only");
            var added = batch.Added.Single(e => e.TransactionHash == mint.Hash.ToString());
            added.Should().BeEquivalentTo(new
            {
                Kind = "mint",
                InstrumentId = token.Address.ToString(),
                TokenType = "ERC20",
                Decimals = 6,
                PartyId = party.ToString(),
                CommandHash = CommandIds.ForMintOrBurn(commandId).ToString(),
                Amount = "1500000",
                TokenIds = (IReadOnlyList<string>?)null,
                BlockNumber = (long)mint.Receipt.BlockNumber,
                BlockHash = mint.Receipt.BlockHash.ToString(),
            });
            var block = await _access.Rpc.GetBlockByNumberAsync(mint.Receipt.BlockNumber);
            added.BlockTime.Should().Be(block!.Time);

            await bus.Publish(new HistoryReplayRequested("monitor-tests", batch.Sequence, _access.Factory.ToString()));
            var replayed = await NextAsync(received, b => b.Sequence == batch.Sequence, "the replayed batch");
            replayed.Should().BeEquivalentTo(batch, "a replay resends the stored batch as it was");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private async Task<HistoryBatchConfirmed> NextAsync(Channel<HistoryBatchConfirmed> received, Func<HistoryBatchConfirmed, bool> match, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                var batch = await received.Reader.ReadAsync(timeout.Token);
                if (batch.Factory == _access.Factory.ToString() && match(batch))
                {
                    return batch;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{what} did not arrive within 60 s");
        }
    }
}
