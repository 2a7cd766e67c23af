using System.Diagnostics;
using System.Globalization;
using System.Text;
using MassTransit;
using Npgsql;
using NpgsqlTypes;
using Tokenizer.Messages.Monitor;

namespace Tokenizer.Bench.Ledger;

/// <summary>
/// Ingest rows/s: the Monitor's real <see cref="HistoryBatchConfirmed"/> batches (1,000 events each, the Monitor's
/// maximum) published to the platform's RabbitMQ and written by LedgerData's consumers, against one plain binary COPY
/// of as many rows of the same shape into the same table, alternating which goes first in each round.
/// </summary>
public sealed class IngestBench(IBus bus, NpgsqlDataSource db, BenchData data, ProcessProbe ledgerData, int warmupRows = 100_000)
{
    public const int BatchSize = 1_000;
    private const int ColdRows = 10 * BatchSize;
    private const string Columns =
        "block_hash, log_index, kind, instrument_id, party_id, command_hash, amount, base_amount, token_ids, update_id, block_number, created_at, feed";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private long _sequence;
    private double _publishSeconds;

    public async Task<string> RunAsync(int rowsPerRound, int rounds)
    {
        await using (var known = db.CreateCommand("insert into instruments (instrument_id, token_type, decimals) select unnest(@ids), 'ERC20', 18 on conflict do nothing"))
        {
            known.Parameters.AddWithValue("ids", data.Instruments);
            await known.ExecuteNonQueryAsync();
        }
        var heldBefore = await HeldBatchesAsync();
        var report = new StringBuilder();
        // Cold: the first rows this LedgerData process ever ingests (tier-0 JIT, empty pools and caches), each way.
        var coldCopy = await CopyAsync(data.Reserve(ColdRows), ColdRows);
        var (coldBus, coldCpu) = await BusWithCpuAsync(ColdRows);
        // Warm-up, untimed, until tiered compilation has promoted the per-batch path (it counts 30 calls of a method,
        // then compiles in the background): a production consumer spends its life in that steady state.
        await BusAsync(warmupRows);
        await CopyAsync(data.Reserve(ColdRows), ColdRows);

        report.AppendLine("| round | bus rows/s | COPY rows/s | bus / COPY | LedgerData CPU ms per 1,000 rows |");
        report.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| cold ({ColdRows:N0} rows, before warm-up) | {ColdRows / coldBus:N0} | {ColdRows / coldCopy:N0} | {coldCopy / coldBus:0.00} | {coldCpu * 1e6 / ColdRows:0} |");
        double busSeconds = 0, copySeconds = 0, cpuSeconds = 0;
        _publishSeconds = 0;
        for (var round = 1; round <= rounds; round++)
        {
            double bus, copy, cpu;
            if (round % 2 == 1)
            {
                copy = await CopyAsync(data.Reserve(rowsPerRound), rowsPerRound);
                (bus, cpu) = await BusWithCpuAsync(rowsPerRound);
            }
            else
            {
                (bus, cpu) = await BusWithCpuAsync(rowsPerRound);
                copy = await CopyAsync(data.Reserve(rowsPerRound), rowsPerRound);
            }
            busSeconds += bus;
            copySeconds += copy;
            cpuSeconds += cpu;
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {round} | {rowsPerRound / bus:N0} | {rowsPerRound / copy:N0} | {copy / bus:0.00} | {cpu * 1e6 / rowsPerRound:0} |");
        }
        var total = (double)rowsPerRound * rounds;
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| **all {rounds} rounds** | **{total / busSeconds:N0}** | **{total / copySeconds:N0}** | **{copySeconds / busSeconds:0.00}** | {cpuSeconds * 1e6 / total:0} |");
        report.AppendLine();
        // The bench publishes as the Monitor's outbox does, one batch after another, each confirmed by the broker.
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Publishing the rounds' batches took {_publishSeconds:0.0} s of their {busSeconds:0.0} s on the bus.");
        report.AppendLine();
        // A batch LedgerData saw ahead of its predecessor (concurrent consumers) is held as JSON and applied later.
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Batches held ahead of a gap during the run (history_pending_batches inserts): {await HeldBatchesAsync() - heldBefore}");
        return report.ToString();
    }

    private async Task<(double Seconds, double LedgerDataCpu)> BusWithCpuAsync(int rows)
    {
        var cpu = ledgerData.CpuSeconds();
        var seconds = await BusAsync(rows);
        return (seconds, ledgerData.CpuSeconds() - cpu);
    }

    /// <summary>Publishes <paramref name="rows"/> mints as consecutive batches; seconds until LedgerData applied the last.</summary>
    private async Task<double> BusAsync(int rows)
    {
        var first = data.Reserve(rows);
        var batches = new List<HistoryBatchConfirmed>();
        for (var offset = 0; offset < rows; offset += BatchSize)
        {
            var events = Enumerable.Range(offset, Math.Min(BatchSize, rows - offset)).Select(i => data.Mint(first + i)).ToList();
            batches.Add(new HistoryBatchConfirmed(++_sequence, events[0].BlockNumber, events[^1].BlockNumber, events, [], DateTimeOffset.UtcNow, data.Factory));
        }

        var started = Stopwatch.GetTimestamp();
        foreach (var batch in batches)
        {
            await bus.Publish(batch);
        }
        var published = Stopwatch.GetElapsedTime(started).TotalSeconds;
        while (await AppliedSequenceAsync() < _sequence)
        {
            if (Stopwatch.GetElapsedTime(started) > Timeout)
            {
                throw new TimeoutException($"LedgerData applied feed {data.Factory} only to {await AppliedSequenceAsync()} of {_sequence} in {Timeout}");
            }
            await Task.Delay(20);
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        _publishSeconds += published;
        await ExpectStoredAsync(first, rows);
        return seconds;
    }

    /// <summary>One binary COPY of rows in the form LedgerData stores them; seconds.</summary>
    public async Task<double> CopyAsync(long first, int rows)
    {
        var events = Enumerable.Range(0, rows).Select(i => data.Mint(first + i)).ToList();
        var started = Stopwatch.GetTimestamp();
        await using (var connection = await db.OpenConnectionAsync())
        await using (var importer = await connection.BeginBinaryImportAsync($"copy history_events ({Columns}) from stdin (format binary)"))
        {
            foreach (var e in events)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(e.BlockHash, NpgsqlDbType.Text);
                await importer.WriteAsync(e.LogIndex, NpgsqlDbType.Integer);
                await importer.WriteAsync(e.Kind, NpgsqlDbType.Text);
                await importer.WriteAsync(e.InstrumentId, NpgsqlDbType.Text);
                await importer.WriteAsync(e.PartyId, NpgsqlDbType.Text);
                await importer.WriteAsync(e.CommandHash, NpgsqlDbType.Text);
                await importer.WriteAsync(BenchData.StoredAmount, NpgsqlDbType.Text);
                await importer.WriteAsync(BenchData.BaseAmount, NpgsqlDbType.Numeric);
                await importer.WriteNullAsync();
                await importer.WriteAsync(e.TransactionHash, NpgsqlDbType.Text);
                await importer.WriteAsync(e.BlockNumber, NpgsqlDbType.Bigint);
                await importer.WriteAsync(e.BlockTime.UtcDateTime, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync(data.Factory, NpgsqlDbType.Text);
            }
            await importer.CompleteAsync();
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await ExpectStoredAsync(first, rows);
        return seconds;
    }

    /// <summary>
    /// Inserts into history_pending_batches so far. Backends report table statistics at most once a second and when
    /// idle, so this waits long enough for LedgerData's connections to have reported theirs.
    /// </summary>
    private async Task<long> HeldBatchesAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(11));
        await using var command = db.CreateCommand("select n_tup_ins from pg_stat_user_tables where relname = 'history_pending_batches'");
        return await command.ExecuteScalarAsync() is long inserts ? inserts : 0;
    }

    private async Task<long> AppliedSequenceAsync()
    {
        await using var command = db.CreateCommand("select last_sequence from history_feeds where feed = @feed");
        command.Parameters.AddWithValue("feed", data.Factory);
        return await command.ExecuteScalarAsync() is long last ? last : 0;
    }

    /// <summary>Both paths must have stored every row, in the same form (the bus's amount formatted as the COPY's).</summary>
    private async Task ExpectStoredAsync(long first, int rows)
    {
        await using var command = db.CreateCommand(
            "select count(*) from history_events where feed = @feed and block_number between @first and @last and amount = @amount and instrument_id = any(@instruments)");
        command.Parameters.AddWithValue("feed", data.Factory);
        command.Parameters.AddWithValue("first", first);
        command.Parameters.AddWithValue("last", first + rows - 1);
        command.Parameters.AddWithValue("amount", BenchData.StoredAmount);
        command.Parameters.AddWithValue("instruments", data.Instruments);
        var stored = (long)(await command.ExecuteScalarAsync())!;
        if (stored != rows)
        {
            throw new InvalidOperationException($"Expected {rows} rows from {first} stored, found {stored}");
        }
    }
}
