using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tokenizer.FunctionalTests.Infrastructure;
using Tokenizer.ServiceDefaults.Data;

namespace Tokenizer.FunctionalTests.Platform;

[Collection(PlatformCollection.Name)]
public sealed class MigrationTests(PlatformFixture platform)
{
    private static DatabaseMigrator Migrator(NpgsqlDataSource dataSource) =>
        new(dataSource, typeof(MigrationTests).Assembly, NullLogger<DatabaseMigrator>.Instance);

    [Fact]
    public async Task Migrations_apply_once_in_order_with_the_platform_tables_first()
    {
        await using var database = await ScratchDatabase.CreateAsync(platform);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);

        await Migrator(dataSource).MigrateAsync(CancellationToken.None);
        await Migrator(dataSource).MigrateAsync(CancellationToken.None); // a restart: nothing left to do

        var applied = await QueryStrings(dataSource, "select id from schema_migrations order by applied_at, id");
        applied.Should().Equal("0000_platform_outbox", "0000_platform_outbox_trace", "0001_widgets", "0002_widget_names_unique");
        (await QueryStrings(dataSource, "select to_regclass('outbox_messages')::text")).Should().Equal("outbox_messages");
        (await QueryStrings(dataSource, "select to_regclass('widgets')::text")).Should().Equal("widgets");
    }

    [Fact]
    public async Task Replicas_starting_together_migrate_once()
    {
        await using var database = await ScratchDatabase.CreateAsync(platform);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);

        // Without the advisory lock, the second "create table widgets" would fail or double-record.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Migrator(dataSource).MigrateAsync(CancellationToken.None))));

        var count = await QueryStrings(dataSource, "select count(*)::text from schema_migrations");
        count.Should().ContainSingle().Which.Should().Be(
            Migrator(dataSource).Migrations.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "each migration is recorded once");
    }

    [Fact]
    public async Task An_applied_migration_that_was_edited_stops_start_up()
    {
        await using var database = await ScratchDatabase.CreateAsync(platform);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await Migrator(dataSource).MigrateAsync(CancellationToken.None);

        // Simulate the script having been edited after it ran: the recorded checksum no longer matches.
        await using (var tamper = dataSource.CreateCommand("update schema_migrations set checksum = 'edited' where id = '0001_widgets'"))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        var act = () => Migrator(dataSource).MigrateAsync(CancellationToken.None);
        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*0001_widgets*changed after it was applied*");
    }

    private static async Task<List<string>> QueryStrings(NpgsqlDataSource dataSource, string sql)
    {
        var rows = new List<string>();
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }
}
