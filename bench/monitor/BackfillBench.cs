using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Bench.Monitor;

/// <summary>Seeding, the raw eth_getLogs + decode baseline, and a Monitor's timed backfill of the same blocks.</summary>
public static class BackfillBench
{
    // The Monitor's own filter (ChainIndexer.Topics): every event kind it indexes, in one topic-0 set.
    private static readonly IReadOnlyList<Hash32> Topics =
    [
        TokenizerEvents.Topic0<Erc20TransferEvent>(), TokenizerEvents.Topic0<Erc20MintedEvent>(), TokenizerEvents.Topic0<Erc20BurnedEvent>(),
        TokenizerEvents.Topic0<Erc721MintedEvent>(), TokenizerEvents.Topic0<Erc721BurnedEvent>(),
        TokenizerEvents.Topic0<PausedEvent>(), TokenizerEvents.Topic0<UnpausedEvent>(), TokenizerEvents.Topic0<TransfersLockChangedEvent>(),
        TokenizerEvents.Topic0<AccountFrozenSetEvent>(), TokenizerEvents.Topic0<AccountApprovalSetEvent>(), TokenizerEvents.Topic0<TokenDeployedEvent>(),
    ];

    /// <summary>Runs bench/monitor/seed-transfers.mjs against the platform's chain; the signer key travels in its environment only.</summary>
    public static async Task<SeedResult> SeedAsync(BenchPlatform platform, int events, int perTx, int gap)
    {
        var start = new ProcessStartInfo("node", Path.Combine(platform.RepositoryRoot, "bench/monitor/seed-transfers.mjs"))
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = platform.RepositoryRoot,
        };
        start.Environment["RPC_URL"] = platform.ChainUrl;
        start.Environment["FACTORY"] = platform.Factory.ToString();
        start.Environment["SIGNER_KEY"] = platform.SignerKeyHex;
        start.Environment["EVENTS"] = events.ToString(CultureInfo.InvariantCulture);
        start.Environment["PER_TX"] = perTx.ToString(CultureInfo.InvariantCulture);
        start.Environment["GAP"] = gap.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Seeding failed (exit {process.ExitCode}).");
        }
        var result = JsonNode.Parse(output.Trim().Split('\n')[^1])!;
        return new SeedResult(Address.Parse(result["token"]!.GetValue<string>()), result["fromBlock"]!.GetValue<long>(),
            result["toBlock"]!.GetValue<long>(), result["transfers"]!.GetValue<int>(), result["seconds"]!.GetValue<double>());
    }

    /// <summary>The first block at which the factory has code.</summary>
    public static async Task<long> DeployBlockAsync(EthRpcClient rpc, Address factory, long head)
    {
        long low = 0, high = head;
        while (low < high)
        {
            var mid = low + ((high - low) / 2);
            if ((await rpc.GetCodeAsync(factory, BlockTag.Number((ulong)mid))).Length > 0)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        return low;
    }

    /// <summary>What the Monitor's reads cost alone: eth_getLogs over the same ranges and filter, every log decoded.</summary>
    public static async Task<RateResult> RawAsync(EthRpcClient rpc, Address factory, Address token, long from, long to, int chunk)
    {
        var clock = Stopwatch.StartNew();
        long decoded = 0;
        for (var low = from; low <= to; low += chunk)
        {
            var high = Math.Min(to, low + chunk - 1);
            var logs = await rpc.GetLogsAsync(new LogFilter
            {
                FromBlock = BlockTag.Number((ulong)low),
                ToBlock = BlockTag.Number((ulong)high),
                Addresses = [factory, token],
                Topics = [Topics],
            });
            decoded += TokenizerEvents.DecodeAll(logs).Count(e => e.Log.Address == token);
        }
        return new RateResult(decoded, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Where one raw read of each range goes: the node's time to its answer's headers, the body's transfer, the
    /// client's JSON parse of the whole body, and the full <see cref="EthRpcClient.GetLogsAsync"/> of the same range.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ProbeAsync(HttpClient http, string chainUrl, EthRpcClient rpc, Address factory, Address token, long from, long to, int chunk)
    {
        var lines = new List<string>();
        for (var low = from; low <= to; low += chunk)
        {
            var high = Math.Min(to, low + chunk - 1);
            var filter = $"{{\"fromBlock\":\"0x{low:x}\",\"toBlock\":\"0x{high:x}\",\"address\":[\"{factory}\",\"{token}\"],\"topics\":[[{string.Join(',', Topics.Select(t => $"\"{t}\""))}]]}}";
            var body = $"{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getLogs\",\"params\":[{filter}]}}";
            var clock = Stopwatch.StartNew();
            using var response = await http.PostAsync(chainUrl, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            var headersMs = clock.Elapsed.TotalMilliseconds;
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var bodyMs = clock.Elapsed.TotalMilliseconds - headersMs;
            var parse = Stopwatch.StartNew();
            using (var document = System.Text.Json.JsonDocument.Parse(bytes))
            {
                _ = document.RootElement.GetProperty("result").GetArrayLength();
            }
            var parseMs = parse.Elapsed.TotalMilliseconds;
            var full = Stopwatch.StartNew();
            var logs = await rpc.GetLogsAsync(new LogFilter
            {
                FromBlock = BlockTag.Number((ulong)low),
                ToBlock = BlockTag.Number((ulong)high),
                Addresses = [factory, token],
                Topics = [Topics],
            });
            var decoded = TokenizerEvents.DecodeAll(logs).Count;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"blocks {low}-{high}: {logs.Count} logs, {bytes.Length / 1e6:0.0} MB; node to headers {headersMs:0} ms, body {bodyMs:0} ms, JsonDocument parse {parseMs:0} ms; GetLogsAsync + decode {full.Elapsed.TotalMilliseconds:0} ms"));
        }
        return lines;
    }

    /// <summary>
    /// A Monitor with an empty database of its own backfills up to <paramref name="to"/>: timed from its cursor's
    /// creation (after the factory's deploy block is found) until the cursor reaches <paramref name="to"/>.
    /// </summary>
    public static async Task<MonitorRun> MonitorAsync(BenchPlatform platform, string database, long to, IDictionary<string, string> overrides, string? buildDirectory = null)
    {
        var connectionString = await platform.CreateDatabaseAsync(database);
        var environment = new Dictionary<string, string>(overrides)
        {
            ["ConnectionStrings__monitordb"] = connectionString,
            // Each range's read and store times (ChainIndexer's debug line), kept next to the bench's output.
            ["Logging__LogLevel__Tokenizer.Monitor.Indexing.ChainIndexer"] = "Debug",
            ["Logging__LogLevel__Tokenizer.Monitor.Indexing.MonitorWorker"] = "Debug",
        };
        if (Environment.GetEnvironmentVariable("BENCH_MONITOR_TRACE") is { Length: > 0 } traceDir)
        {
            environment["DOTNET_EnableEventPipe"] = "1";
            environment["DOTNET_EventPipeOutputPath"] = Path.Combine(traceDir, $"{database}.nettrace");
            environment["DOTNET_EventPipeConfig"] = "Microsoft-DotNETCore-SampleProfiler:0:5,Microsoft-Windows-DotNETRuntime:0x19:5";
        }
        var logFile = Path.Combine(Path.GetTempPath(), $"tokenizer-monitorbench-{database}-{DateTime.UtcNow:HHmmss}.log");
        Console.WriteLine($"({database}: the monitor's log is {logFile})");
        var (process, _) = await platform.StartMonitorAsync(environment, logFile, buildDirectory);
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            Stopwatch? clock = null;
            long start = 0;
            var deadline = DateTime.UtcNow.AddMinutes(15);
            while (DateTime.UtcNow < deadline)
            {
                if (await CursorAsync(connection) is { } cursor)
                {
                    if (clock is null)
                    {
                        clock = Stopwatch.StartNew();
                        start = cursor.StartBlock;
                    }
                    if (cursor.Indexed >= to)
                    {
                        var seconds = clock.Elapsed.TotalSeconds;
                        await using var count = new NpgsqlCommand("select count(*) from monitor_events", connection);
                        var events = (long)(await count.ExecuteScalarAsync())!;
                        return new MonitorRun(new RateResult(events, seconds), start);
                    }
                }
                await Task.Delay(20);
            }
            throw new TimeoutException($"The bench monitor on {database} did not reach block {to}.");
        }
        finally
        {
            await BenchPlatform.StopAsync(process);
        }
    }

    private static async Task<(long StartBlock, long Indexed)?> CursorAsync(NpgsqlConnection connection)
    {
        try
        {
            await using var command = new NpgsqlCommand("select start_block, indexed_block from monitor_cursors limit 1", connection);
            await using var reader = await command.ExecuteReaderAsync();
            return await reader.ReadAsync() ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null; // the Monitor has not run its migration yet
        }
    }
}
