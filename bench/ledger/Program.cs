using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tokenizer.Bench.Ledger;
using Tokenizer.ServiceDefaults.Messaging;

// LedgerData's three figures against same-run baselines, from its own process, on a running platform:
//   ConnectionStrings__rabbitmq=… ConnectionStrings__ledgerdatadb=… \
//   dotnet bench/ledger/bin/Release/net10.0/Tokenizer.Bench.Ledger.dll --gateway http://127.0.0.1:8080 --ledgerdata-pid <pid>
// bench/ledger/run.sh starts its own platform and passes all of it. Connection strings come from the environment only.
var options = Args.Parse(args);
string Option(string name, string fallback) => options.GetValueOrDefault(name, fallback);
int Number(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
var gateway = new Uri(Option("gateway", "http://127.0.0.1:8080"));
var ingestRows = Number("ingest-rows", 50_000);
var ingestRounds = Number("ingest-rounds", 4);
var ingestWarmup = Number("ingest-warmup-rows", 100_000);
var historyMints = Number("history-mints", 1_000_000);
var holdings = Number("holdings", 100_000);
var holdingsRounds = Number("holdings-rounds", 6);
var historyRequests = Number("history-requests", 1_000);
var pid = options.TryGetValue("ledgerdata-pid", out var p) ? int.Parse(p, CultureInfo.InvariantCulture) : (int?)null;
var only = Option("only", "ingest,holdings,history").Split(',');
var output = Option("output", "");

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", ApplicationName = "ledger-bench" });
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// MassTransit's usage telemetry has no route out of this machine; its warning says nothing about the run.
builder.Logging.AddFilter("MassTransit", LogLevel.Error);
var ledgerConnection = builder.Configuration.GetConnectionString("ledgerdatadb")
    ?? throw new InvalidOperationException("Set ConnectionStrings__ledgerdatadb (and ConnectionStrings__rabbitmq) in the environment");
builder.AddServiceBus($"ledger-bench-{Guid.NewGuid():N}");
using var host = builder.Build();
await host.StartAsync();
var deadline = DateTime.UtcNow.AddSeconds(60);
while (host.Services.GetRequiredService<IBusControl>().CheckHealth().Status != BusHealthStatus.Healthy)
{
    if (DateTime.UtcNow > deadline)
    {
        throw new TimeoutException("The bench's bus did not connect to RabbitMQ in 60 s");
    }
    await Task.Delay(100);
}
var bus = host.Services.GetRequiredService<IBus>();
await using var db = NpgsqlDataSource.Create(ledgerConnection);
using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromMinutes(5) };
var token = await OperatorTokenAsync();
var data = new BenchData(instruments: 50, parties: 10_000);
var ledgerData = new ProcessProbe(pid);

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture,
    $"Run {DateTimeOffset.UtcNow:u}, gateway {gateway}, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start");
report.AppendLine();
if (only.Contains("ingest"))
{
    Console.Error.WriteLine("ingest …");
    report.AppendLine(CultureInfo.InvariantCulture,
        $"### Ingest: {ingestRounds} rounds of {ingestRows:N0} mints, HistoryBatchConfirmed of {IngestBench.BatchSize:N0} events vs one binary COPY");
    report.AppendLine();
    report.AppendLine(await new IngestBench(bus, db, data, ledgerData, ingestWarmup).RunAsync(ingestRows, ingestRounds));
}
if (only.Contains("history"))
{
    await FillHistoryAsync();
}
if (only.Contains("holdings"))
{
    Console.Error.WriteLine("holdings …");
    report.AppendLine("### Holdings");
    report.AppendLine();
    report.AppendLine(await new HoldingsBench(bus, db, ledgerConnection, http, token, data, ledgerData).RunAsync(holdings, holdingsRounds));
}
if (only.Contains("history"))
{
    Console.Error.WriteLine("history …");
    report.AppendLine("### History page");
    report.AppendLine();
    report.AppendLine(await new HistoryBench(db, http, token).RunAsync(historyRequests, 10));
}
report.AppendLine(CultureInfo.InvariantCulture, $"Load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end");

Console.Write(report);
if (output.Length > 0)
{
    await File.WriteAllTextAsync(output, report.ToString());
}
await host.StopAsync();
return 0;

// Mints beyond what ingest wrote, by plain COPY (untimed), up to the figure the history page is measured over.
async Task FillHistoryAsync()
{
    await using (var count = db.CreateCommand("select count(*) from history_events where kind = 'mint'"))
    {
        var missing = historyMints - (long)(await count.ExecuteScalarAsync())!;
        Console.Error.WriteLine($"history: copying {Math.Max(0, missing):N0} more mints …");
        var ingest = new IngestBench(bus, db, data, ledgerData);
        for (; missing > 0; missing -= 100_000)
        {
            var rows = (int)Math.Min(100_000, missing);
            await ingest.CopyAsync(data.Reserve(rows), rows);
        }
    }
    await using var analyze = db.CreateCommand("analyze history_events");
    await analyze.ExecuteNonQueryAsync();
}

async Task<string> OperatorTokenAsync()
{
    using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = "tokenizer-operator",
        ["client_secret"] = "dev-operator-secret",
    }));
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonNode>())!["access_token"]!.GetValue<string>();
}
