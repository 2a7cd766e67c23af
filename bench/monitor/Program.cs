using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Tokenizer.AppHost;
using Tokenizer.Bench.Monitor;

// The Monitor's targets (issue 11) on a platform of the bench's own, every figure a ratio within this run:
//   dotnet run -c Release --project bench/monitor -- [--events 100000] [--per-tx 1000] [--gap 20] [--clients 200] [--seconds 5]
//     [--variants MaxBlocksPerBatch=500,DOTNET_gcServer=0] [--baseline <another build's Monitor bin folder>] [--rounds 1] [--skip backfill,status,reorg] [--pace-ms 1000,250,100,50]
//   (1) backfill: a Monitor with an empty database indexes the seeded blocks; the raw eth_getLogs + decode of the same
//       ranges runs before and after it; (2) GET /status under N closed-loop and N paced clients, gateway and direct (and, with --baseline, standbys of both builds) interleaved;
//   (3) reorgs of depth 1, 3 and 10 under the AppHost's monitor, in poll intervals.
// BENCH_MONITOR_TRACE=<dir> in the environment: each backfill Monitor writes an EventPipe trace to <dir>/<database>.nettrace.
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal) && p.i + 1 < args.Length)
    .ToDictionary(p => p.a[2..], p => args[p.i + 1]);
int Option(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var events = Option("events", 100_000);
var perTx = Option("per-tx", 1_000);
var gap = Option("gap", 20);
var clients = Option("clients", 200);
var seconds = Option("seconds", 5);
var chunk = Option("chunk", 2_000);
var skip = options.GetValueOrDefault("skip", "");
var variants = options.GetValueOrDefault("variants", "");
var baseline = options.GetValueOrDefault("baseline");
var rounds = Option("rounds", 1);

var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
string F(double v, string format = "0.00") => v.ToString(format, CultureInfo.InvariantCulture);
void Line(string text) => Console.WriteLine(text);

Line($"# Monitor bench {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start");
await using var platform = await BenchPlatform.StartAsync(root);
Line($"platform up; factory {platform.Factory}");

// The AppHost's monitor would index the seeding live and compete for the cores: it waits until the backfill is timed.
await platform.ResourceCommandAsync(ResourceNames.Monitor, KnownResourceCommands.StopCommand);
var seed = await BackfillBench.SeedAsync(platform, events, perTx, gap);
var head = (long)await platform.Rpc.GetBlockNumberAsync();
Line($"seeded {seed.Transfers:N0} transfers in blocks {seed.FromBlock}-{seed.ToBlock} in {F(seed.Seconds, "0.0")} s; head {head}");

if (!skip.Contains("backfill", StringComparison.Ordinal))
{
    Line("");
    Line("## Backfill");
    Line("");
    Line("| run | chunk | events | seconds | events/s | raw events/s (mean of before/after) | monitor / raw |");
    Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    // A baseline build (another commit's Monitor) runs right before this tree's, with the same Monitor: settings:
    // both builds then meet the same seeded chain and the same machine within one run.
    var round = new List<(string Name, Dictionary<string, string> Overrides, string? Build)>();
    if (baseline is not null)
    {
        round.Add(("baseline", new(), baseline));
    }
    round.Add(("default", new(), null));
    foreach (var variant in variants.Split(',', StringSplitOptions.RemoveEmptyEntries))
    {
        var (name, value) = (variant.Split('=')[0], variant.Split('=')[1]);
        // A name with "__" or a DOTNET_ prefix is an environment variable as it is (this tree's build only); any
        // other a Monitor: setting, for the baseline too.
        var environment = name.Contains("__", StringComparison.Ordinal) || name.StartsWith("DOTNET_", StringComparison.Ordinal);
        if (baseline is not null && !environment)
        {
            round.Add(($"baseline {name}={value}", new() { [$"Monitor__{name}"] = value }, baseline));
        }
        round.Add(($"{name}={value}", new() { [environment ? name : $"Monitor__{name}"] = value }, null));
    }
    var runs = Enumerable.Repeat(round, Math.Max(1, rounds)).SelectMany(r => r).ToList();
    // Where the Monitor starts on an empty database: the factory's deploy block (it finds it by the same binary search).
    var startBlock = await BackfillBench.DeployBlockAsync(platform.Rpc, platform.Factory, head);
    if (options.ContainsKey("probe"))
    {
        // Twice: the first pass warms the bench's own code, the second is the figure.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var probeLine in await BackfillBench.ProbeAsync(platform.Http, platform.ChainUrl, platform.Rpc, platform.Factory, seed.Token, startBlock, head, chunk))
            {
                Line($"probe {pass + 1}: {probeLine}");
            }
        }
    }
    var n = 0;
    foreach (var (name, overrides, build) in runs)
    {
        var runChunk = overrides.TryGetValue("Monitor__MaxBlocksPerBatch", out var c) ? int.Parse(c, CultureInfo.InvariantCulture) : chunk;
        n++;
        // The raw read right before and right after the Monitor's run, so that the machine's drift hits both sides.
        var before = await BackfillBench.RawAsync(platform.Rpc, platform.Factory, seed.Token, startBlock, head, runChunk);
        var monitor = await BackfillBench.MonitorAsync(platform, $"monitorbench_{n}", head, overrides, build);
        var after = await BackfillBench.RawAsync(platform.Rpc, platform.Factory, seed.Token, startBlock, head, runChunk);
        if (monitor.StartBlock != startBlock)
        {
            throw new InvalidOperationException($"The monitor started at block {monitor.StartBlock}, the raw read at {startBlock}.");
        }
        var raw = (before.PerSecond + after.PerSecond) / 2;
        Line($"| {name} | {runChunk} | {monitor.Rate.Events:N0} | {F(monitor.Rate.Seconds)} | {F(monitor.Rate.PerSecond, "N0")} | {F(raw, "N0")} ({F(before.PerSecond, "N0")} / {F(after.PerSecond, "N0")}; {before.Events:N0} events) | **{F(monitor.Rate.PerSecond / raw)}** |");
    }
}

if (skip.Contains("status", StringComparison.Ordinal) && skip.Contains("reorg", StringComparison.Ordinal))
{
    Line("");
    Line($"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end");
    return; // the AppHost monitor's catch-up only serves the status and reorg parts
}
await platform.ResourceCommandAsync(ResourceNames.Monitor, KnownResourceCommands.StartCommand);
await ReorgBench.WaitIndexedAsync(platform, head, 900);
Line("");
Line($"AppHost monitor caught up to block {head}");
{
    // What a scan costs at the head once the index holds the seed: the Monitor's own figure, from /status, over a few
    // poll intervals (the first scan after the catch-up reads every transfer; the later ones only the new blocks).
    using var status = new HttpClient();
    status.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await platform.OperatorTokenAsync());
    var scans = new List<string>();
    for (var i = 0; i < 5; i++)
    {
        await Task.Delay(1_500);
        var document = System.Text.Json.Nodes.JsonNode.Parse(await status.GetStringAsync(new Uri(platform.MonitorUrl, "/status")))!;
        var monitor = document["operational"]!["monitor"]!;
        scans.Add($"{(double)monitor["last_scan_duration_seconds"]! * 1000:0.0} ms ({(int)monitor["last_scan_holdings"]!} holdings)");
    }
    Line($"scan at the head, every 1.5 s: {string.Join(", ", scans)}");
}

if (!skip.Contains("status", StringComparison.Ordinal))
{
    var token = await platform.OperatorTokenAsync();
    // Direct targets: the AppHost's monitor (the leader), and with --baseline two standbys on the same database and
    // Redis, one of the baseline build and one of this tree's, started alike, so that the builds compare in this run.
    var targets = new List<(string Name, Uri Url, System.Diagnostics.Process? Process)> { ("gateway", platform.Gateway, null), ("direct", platform.MonitorUrl, null) };
    var standbys = new List<System.Diagnostics.Process>();
    if (baseline is not null)
    {
        foreach (var (name, build) in new[] { ("standby, baseline", baseline), ("standby, this build", (string?)null) })
        {
            var (process, url) = await platform.StartMonitorAsync(new Dictionary<string, string>(), buildDirectory: build);
            standbys.Add(process);
            targets.Add((name, url, process));
        }
    }
    foreach (var (_, url, _) in targets)
    {
        await StatusLoad.RunAsync("warm-up", url, token, clients, TimeSpan.FromSeconds(2));
    }
    // Paced: each of the clients sends one request per interval, as operators' dashboards poll; from a rate the box
    // serves with room to spare (one a second each, the snapshot's own refresh) up to the closed loop's saturation.
    var paces = options.GetValueOrDefault("pace-ms", "1000,250,100,50").Split(',', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => TimeSpan.FromMilliseconds(int.Parse(p, CultureInfo.InvariantCulture))).ToList();
    string Paced(string name, TimeSpan pace) => $"{name}, paced {F(pace.TotalMilliseconds, "0")} ms";
    var results = new List<LoadResult>();
    foreach (var (c, pace) in new[] { (1, (TimeSpan?)null), (clients, null) }.Concat(paces.Select(p => (clients, (TimeSpan?)p))))
    {
        for (var round = 0; round < 3; round++)
        {
            foreach (var (name, url, process) in targets)
            {
                var label = pace is { } p ? Paced(name, p) : name;
                // A standby is a process of the bench's own: its CPU time over the round, per request, is what the
                // Monitor itself spends on one /status (the load generator and the other processes excluded).
                process?.Refresh();
                var cpuBefore = process?.TotalProcessorTime;
                var result = await StatusLoad.RunAsync(label, url, token, c, TimeSpan.FromSeconds(seconds), pace);
                process?.Refresh();
                results.Add(cpuBefore is { } b && result.Requests > 0
                    ? result with { CpuMicrosecondsPerRequest = (process!.TotalProcessorTime - b).TotalMicroseconds / result.Requests }
                    : result);
            }
        }
    }
    foreach (var process in standbys)
    {
        await BenchPlatform.StopAsync(process);
    }
    Line("");
    Line("## GET /status");
    Line("");
    Line($"Closed loop at 1 and {clients} clients; paced: {clients} clients, each one request per " +
        string.Join(" / ", paces.Select(p => $"{F(p.TotalMilliseconds, "0")} ms ({F(clients * 1000 / p.TotalMilliseconds, "N0")} req/s offered)")) + ".");
    Line("Monitor CPU µs/req: the standby process's CPU time over the round ÷ its requests (standbys only).");
    Line("");
    Line("| clients | target | round | requests | failures | req/s | p50 ms | p99 ms | max ms | Monitor CPU µs/req |");
    Line("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    foreach (var group in results.GroupBy(r => (r.Clients, r.Target)))
    {
        var i = 0;
        foreach (var r in group)
        {
            var cpu = r.CpuMicrosecondsPerRequest is { } us ? F(us, "0") : "–";
            Line($"| {r.Clients} | {r.Target} | {++i} | {r.Requests:N0} | {r.Failures} | {F(r.Throughput, "N0")} | {F(r.P50)} | {F(r.P99)} | {F(r.Max)} | {cpu} |");
        }
    }
    double Rate(IEnumerable<LoadResult> rs) => rs.Sum(r => r.Requests) / rs.Sum(r => r.Seconds);
    List<LoadResult> Of(int c, string target) => results.Where(r => r.Clients == c && r.Target == target).ToList();
    foreach (var c in new[] { 1, clients })
    {
        var (g, d) = (Of(c, "gateway"), Of(c, "direct"));
        Line($"\n{c} client(s): gateway/direct throughput **{F(Rate(g) / Rate(d))}**, " +
            $"p99 gateway/direct {F(g.Average(r => r.P99) / d.Average(r => r.P99))} (mean p99: gateway {F(g.Average(r => r.P99))} ms, direct {F(d.Average(r => r.P99))} ms)");
        if (baseline is not null)
        {
            var (b, t) = (Of(c, "standby, baseline"), Of(c, "standby, this build"));
            Line($"{c} client(s): this build / baseline throughput **{F(Rate(t) / Rate(b))}** (mean p99: this build {F(t.Average(r => r.P99))} ms, baseline {F(b.Average(r => r.P99))} ms)");
        }
    }
    foreach (var pace in paces)
    {
        foreach (var (name, _, _) in targets)
        {
            var p = results.Where(r => r.Target == Paced(name, pace)).ToList();
            var cpu = p.All(r => r.CpuMicrosecondsPerRequest is not null) ? $", Monitor CPU {F(p.Average(r => r.CpuMicrosecondsPerRequest!.Value), "0")} µs/req" : "";
            Line($"paced {F(pace.TotalMilliseconds, "0")} ms, {name}: {F(Rate(p), "N0")} req/s, mean p99 **{F(p.Average(r => r.P99))} ms** (p50 {F(p.Average(r => r.P50))} ms){cpu}");
        }
    }
}

if (!skip.Contains("reorg", StringComparison.Ordinal))
{
    Line("");
    Line("## Reorgs (poll interval 1 s, confirmation depth 2)");
    Line("");
    Line("| depth | blocks replaced | final events removed (feed total) | seconds until the feed matches | poll intervals |");
    Line("| ---: | ---: | ---: | ---: | ---: |");
    foreach (var depth in new[] { 1, 3, 10 })
    {
        var r = await ReorgBench.RunAsync(platform, seed.Token, depth, TimeSpan.FromSeconds(1));
        Line($"| {r.Depth} | {r.ReplacedBlocks} | {r.RemovedFromFeed} | {F(r.Seconds)} | **{F(r.PollIntervals)}** |");
    }
}
Line("");
Line($"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end");
