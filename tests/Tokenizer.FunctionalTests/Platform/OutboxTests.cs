using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Tokenizer.FunctionalTests.Infrastructure;
using Tokenizer.ServiceDefaults.Data;
using Tokenizer.ServiceDefaults.Messaging;

namespace Tokenizer.FunctionalTests.Platform;

public sealed record OutboxProbe(string RunId, string Text);

public sealed class OutboxProbeConsumer(Channel<(Guid? MessageId, OutboxProbe Message)> received) : IConsumer<OutboxProbe>
{
    public async Task Consume(ConsumeContext<OutboxProbe> context) =>
        await received.Writer.WriteAsync((context.MessageId, context.Message));
}

[Collection(PlatformCollection.Name)]
public sealed class OutboxTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_committed_message_is_published_once_with_its_outbox_id_and_a_rolled_back_one_never()
    {
        await using var database = await ScratchDatabase.CreateAsync(platform);
        var runId = Guid.NewGuid().ToString("N");
        var received = Channel.CreateUnbounded<(Guid? MessageId, OutboxProbe Message)>();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", ApplicationName = "outbox-test" });
        builder.Configuration["ConnectionStrings:outboxdb"] = database.ConnectionString;
        builder.Configuration["ConnectionStrings:rabbitmq"] = platform.RabbitMqConnectionString;
        builder.Services.AddSingleton(received);
        builder.AddServiceDatabase("outboxdb", typeof(OutboxTests).Assembly);
        builder.AddServiceBus($"outbox-test-{runId}", bus => bus.AddConsumer<OutboxProbeConsumer>());
        builder.AddTransactionalOutbox();
        using var host = builder.Build();
        await host.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        await host.StartAsync();
        try
        {
            await WaitForBusAsync(host.Services.GetRequiredService<IBusControl>());
            var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();

            await using (var connection = await dataSource.OpenConnectionAsync())
            {
                await using var rolledBack = await connection.BeginTransactionAsync();
                await Outbox.EnqueueAsync(connection, rolledBack, new OutboxProbe(runId, "rolled back"));
                await rolledBack.RollbackAsync();
            }

            Guid committedId;
            await using (var connection = await dataSource.OpenConnectionAsync())
            {
                await using var transaction = await connection.BeginTransactionAsync();
                committedId = await Outbox.EnqueueAsync(connection, transaction, new OutboxProbe(runId, "committed"));
                await transaction.CommitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var first = await received.Reader.ReadAsync(timeout.Token);
            first.Message.Should().Be(new OutboxProbe(runId, "committed"));
            first.MessageId.Should().Be(committedId);

            // Nothing else arrives: the rolled-back message never existed, and the committed one is marked sent.
            await Task.Delay(TimeSpan.FromSeconds(2));
            received.Reader.TryRead(out _).Should().BeFalse();
            await using var rows = dataSource.CreateCommand("select count(*), count(dispatched_at) from outbox_messages");
            await using var reader = await rows.ExecuteReaderAsync();
            await reader.ReadAsync();
            (reader.GetInt64(0), reader.GetInt64(1)).Should().Be((1L, 1L));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task The_inbox_lets_a_consumer_apply_a_redelivered_message_only_once()
    {
        await using var database = await ScratchDatabase.CreateAsync(platform);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await new DatabaseMigrator(dataSource, typeof(OutboxTests).Assembly, Microsoft.Extensions.Logging.Abstractions.NullLogger<DatabaseMigrator>.Instance)
            .MigrateAsync(CancellationToken.None);
        var messageId = Guid.NewGuid();

        var outcomes = new List<bool>();
        for (var delivery = 0; delivery < 2; delivery++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            outcomes.Add(await Outbox.TryRecordInboxAsync(connection, transaction, "widget-consumer", messageId));
            await transaction.CommitAsync();
        }

        outcomes.Should().Equal(true, false);
    }

    private static async Task WaitForBusAsync(IBusControl bus)
    {
        // Publishing before the consumer's queue is bound would drop the message at the broker (no binding yet).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (bus.CheckHealth().Status != BusHealthStatus.Healthy)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the bus should connect to the platform's RabbitMQ");
            await Task.Delay(100);
        }
    }
}
