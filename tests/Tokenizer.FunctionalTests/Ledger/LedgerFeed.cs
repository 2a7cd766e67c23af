using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tokenizer.FunctionalTests.Infrastructure;
using Tokenizer.Messages.Commands;
using Tokenizer.Messages.Monitor;

namespace Tokenizer.FunctionalTests.Ledger;

/// <summary>Replay requests LedgerData sends, as the Monitor would receive them.</summary>
public sealed class ReplayRequestProbe(Channel<HistoryReplayRequested> received) : IConsumer<HistoryReplayRequested>
{
    public async Task Consume(ConsumeContext<HistoryReplayRequested> context) => await received.Writer.WriteAsync(context.Message);
}

/// <summary>
/// Plays the Monitor (and TokenAdmin's CommandSubmitted) on the platform's real RabbitMQ: a MassTransit bus in the test
/// process publishing the exact message records. Each feed is named by its own random factory address, so its sequence
/// space never meets the real Monitor's or another test's.
/// </summary>
public sealed class LedgerFeed : IAsyncDisposable
{
    private readonly IHost _host;

    private LedgerFeed(IHost host, Channel<HistoryReplayRequested> replays)
    {
        _host = host;
        Replays = replays;
    }

    public string Factory { get; } = PlatformChainAccess.RandomAddress().ToString();

    public IBus Bus => _host.Services.GetRequiredService<IBus>();

    /// <summary>Every replay request seen by this test's bus (filter by <see cref="Factory"/>).</summary>
    public Channel<HistoryReplayRequested> Replays { get; }

    public static async Task<LedgerFeed> StartAsync(PlatformFixture platform)
    {
        var replays = Channel.CreateUnbounded<HistoryReplayRequested>();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", ApplicationName = "ledger-test" });
        builder.Configuration["ConnectionStrings:rabbitmq"] = platform.RabbitMqConnectionString;
        builder.Services.AddSingleton(replays);
        builder.AddServiceBus($"ledger-test-{Guid.NewGuid():N}", bus => bus.AddConsumer<ReplayRequestProbe>());
        var host = builder.Build();
        await host.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (host.Services.GetRequiredService<IBusControl>().CheckHealth().Status != BusHealthStatus.Healthy)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the test bus should connect to the platform's RabbitMQ");
            await Task.Delay(100);
        }
        return new LedgerFeed(host, replays);
    }

    public HistoryBatchConfirmed Batch(long sequence, IReadOnlyList<HistoryEvent> added, IReadOnlyList<HistoryEventRemoved>? removed = null) =>
        new(sequence,
            added.Count == 0 ? 0 : added.Min(e => e.BlockNumber),
            added.Count == 0 ? 0 : added.Max(e => e.BlockNumber),
            added, removed ?? [], DateTimeOffset.UtcNow, Factory);

    public async Task PublishAsync<T>(T message, Guid? messageId = null) where T : class =>
        // The runtime type, so that a message held as object still goes out as its own record type.
        await Bus.Publish(message, message.GetType(), context =>
        {
            if (messageId is { } id)
            {
                context.MessageId = id;
            }
        });

    public static CommandSubmitted Submitted(string commandId, string kind, HistoryEvent e, string amount) =>
        new(commandId, Tokenizer.Chain.Contracts.CommandIds.ForMintOrBurn(commandId).ToString(), kind, e.InstrumentId, e.PartyId, amount, "operator", DateTimeOffset.UtcNow);

    /// <summary>The next replay request for this feed, or null if none comes within <paramref name="timeout"/>.</summary>
    public async Task<HistoryReplayRequested?> NextReplayAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var request = await Replays.Reader.ReadAsync(cts.Token);
                if (request.Factory == Factory)
                {
                    return request;
                }
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
