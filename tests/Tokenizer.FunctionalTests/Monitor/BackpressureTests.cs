using System.Text.Json.Nodes;
using System.Threading.Channels;
using Aspire.Hosting.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tokenizer.FunctionalTests.Infrastructure;
using Tokenizer.Messages.Monitor;
using static Tokenizer.FunctionalTests.Monitor.FeedAssertions;

namespace Tokenizer.FunctionalTests.Monitor;

/// <summary>
/// The history feed must not lose data: its queue is the Monitor's outbox (batches not yet handed to RabbitMQ), so
/// the consumer side it can fill is the broker. Stops RabbitMQ: only on a platform of the test's own.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class BackpressureTests(ITestOutputHelper output)
{
    private const int QueueMax = 3;
    private const int HeldMints = 3;

    [Fact]
    public async Task With_the_broker_away_the_history_feed_stops_at_its_queue_maximum_drops_nothing_and_every_batch_arrives_in_order_when_it_returns()
    {
        // Each stage with its time since the start: a failure's output then shows which wait ran out, and after how long.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Stage(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1} s  {what}");
        await using var own = await OwnMonitorPlatform.StartAsync("monitor-backpressure");
        Stage("platform up");
        using var gateway = new HttpClient { BaseAddress = own.Platform.App.GetEndpoint(ResourceNames.Gateway, "http") };
        var operatorToken = await OperatorTokenAsync(gateway);

        // A consumer of the feed as LedgerData is one: its own durable queue, one batch at a time so arrival order shows.
        var received = Channel.CreateUnbounded<HistoryBatchConfirmed>();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", ApplicationName = "backpressure-test" });
        builder.Configuration["ConnectionStrings:rabbitmq"] = await own.Platform.App.GetConnectionStringAsync(ResourceNames.RabbitMq);
        builder.Services.AddSingleton(received);
        builder.AddServiceBus("backpressure-test", bus => bus.AddConsumer<HistoryFeedProbeConsumer>().Endpoint(e => e.ConcurrentMessageLimit = 1));
        using var probe = builder.Build();
        await probe.StartAsync();
        try
        {
            await WaitForBusAsync(probe.Services.GetRequiredService<IBusControl>());
            Stage("probe consumer bound");

            // The AppHost's monitor gives way to one whose history queue holds QueueMax batches.
            await own.KillAppHostMonitorAsync();
            var (_, url) = await own.StartExtraMonitorAsync(new Dictionary<string, string> { ["Monitor__HistoryQueueMax"] = $"{QueueMax}" });
            using var direct = new HttpClient { BaseAddress = url };
            Stage("extra monitor up");
            var status = new StatusApiClient(direct, operatorToken);

            var token = await own.Chain.DeployErc20Async();
            var hashes = new List<string>();
            async Task<string> MintFinalAsync(int amount)
            {
                var mint = await own.Chain.MintAsync(token, PlatformChainAccess.RandomAddress(), amount);
                await own.RpcAsync("anvil_mine", JsonValue.Create("0x3")); // final at once: each mint its own batch
                hashes.Add(mint.Hash.ToString());
                return mint.Hash.ToString();
            }

            var live = await MintFinalAsync(1);
            await WaitForFeedAsync(own, f => Carries(f, live), TimeSpan.FromSeconds(60), "the first mint");
            var arrived = new List<long>();
            await ReceiveSequencesAsync(received, own.Factory.ToString(), arrived, 1, TimeSpan.FromSeconds(60));
            Stage("first batch received");

            await own.StopResourceAsync(ResourceNames.RabbitMq);
            Stage("broker stopped");
            for (var i = 0; i < QueueMax; i++)
            {
                // The queue takes QueueMax batches while nothing can leave it…
                var hash = await MintFinalAsync(i + 2);
                await WaitForFeedAsync(own, f => Carries(f, hash), TimeSpan.FromSeconds(30), $"mint {i + 2} while the broker is away");
            }
            for (var i = 0; i < HeldMints; i++)
            {
                await MintFinalAsync(i + 100); // …and these find it full
            }
            Stage("queue filled");
            var full = await status.WaitForAsync(s => History(s)["backpressured"]?.GetValue<bool>() == true, TimeSpan.FromSeconds(30), "the history feed back-pressured");

            // Several poll intervals later the queue is still at its maximum, nothing was dropped and nothing more went out.
            var heldFeed = await own.FeedAsync();
            await Task.Delay(TimeSpan.FromSeconds(4));
            var later = await status.GetAsync();
            foreach (var snapshot in new[] { full, later })
            {
                var history = History(snapshot);
                history["queue_depth"]!.GetValue<long>().Should().Be(QueueMax, "the depth is the outbox's real backlog, bounded by the maximum");
                history["queue_maxsize"]!.GetValue<int>().Should().Be(QueueMax);
                history["dropped_batches_total"]!.GetValue<long>().Should().Be(0);
                history["on_full"]!.GetValue<string>().Should().Be("backpressure");
            }
            History(later)["backpressured"]!.GetValue<bool>().Should().BeTrue();
            var stillHeld = await own.FeedAsync();
            stillHeld.Should().HaveCount(heldFeed.Count, "a full queue pauses publication");
            hashes.TakeLast(HeldMints).Should().OnlyContain(h => !Carries(stillHeld, h));

            Stage("held while full");
            await own.StartResourceAsync(ResourceNames.RabbitMq);
            Stage("broker healthy again");
            var feed = await WaitForFeedAsync(own, f => hashes.All(h => Carries(f, h)), TimeSpan.FromSeconds(120), "every mint after the broker came back");
            Stage("every mint in the feed");
            ShouldBeNumberedWithoutGaps(feed);
            Added(feed).Select(a => a["transactionHash"]!.GetValue<string>()).Should().BeEquivalentTo(hashes, "each mint once, none dropped");

            await ReceiveSequencesAsync(received, own.Factory.ToString(), arrived, feed.Count, TimeSpan.FromSeconds(120));
            Stage("every batch received");
            arrived.Should().Equal(Enumerable.Range(1, feed.Count).Select(i => (long)i), "the consumer gets every batch, in feed order");
            var drained = await status.WaitForAsync(s => History(s)["queue_depth"]!.GetValue<long>() == 0, TimeSpan.FromSeconds(60), "the queue drained");
            History(drained)["backpressured"]!.GetValue<bool>().Should().BeFalse();
            History(drained)["dropped_batches_total"]!.GetValue<long>().Should().Be(0);
            output.WriteLine($"{feed.Count} batches, {heldFeed.Count} written while the broker was away, queue maximum {QueueMax}");
        }
        catch (Exception)
        {
            // What the Monitor and its outbox were doing when a wait ran out.
            Stage("failed; the monitor's outbox, newest first:");
            try
            {
                foreach (var row in await own.RecentOutboxAsync())
                {
                    output.WriteLine($"    {row}");
                }
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
            {
                output.WriteLine($"    (not readable: {e.Message})");
            }
            output.WriteLine("  the extra monitor's last log lines:");
            foreach (var line in own.RecentExtraMonitorLog())
            {
                output.WriteLine($"    {line}");
            }
            throw;
        }
        finally
        {
            await probe.StopAsync();
        }
    }

    private static JsonNode History(JsonObject status) =>
        status["operational"]!["subscriptions"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "history-confirmed")!;

    private static async Task WaitForBusAsync(IBusControl bus)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (bus.CheckHealth().Status != BusHealthStatus.Healthy)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the consumer's queue must be bound before the first batch is published");
            await Task.Delay(100);
        }
    }

    /// <summary>Adds the factory's batch sequences to <paramref name="arrived"/> in the order they first arrive (a redelivery is not a new batch).</summary>
    private static async Task ReceiveSequencesAsync(Channel<HistoryBatchConfirmed> received, string factory, List<long> arrived, int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (arrived.Count < count)
            {
                var batch = await received.Reader.ReadAsync(cts.Token);
                if (batch.Factory == factory && !arrived.Contains(batch.Sequence))
                {
                    arrived.Add(batch.Sequence);
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"Only batches {string.Join(", ", arrived)} of {count} arrived within {timeout}.");
        }
    }
}
