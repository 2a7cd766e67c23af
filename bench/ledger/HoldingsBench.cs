using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MassTransit;
using Npgsql;
using Tokenizer.Messages.Monitor;

namespace Tokenizer.Bench.Ledger;

/// <summary>
/// One token's 100,000 holdings, stored by LedgerData from a real <see cref="HoldingsScanned"/>, read whole through the
/// gateway (<c>GET /data/admin/holdings?instrument_id=…</c>, the default limit) against <c>psql \copy</c> of the same
/// rows in the same order, alternating, with LedgerData's resident memory sampled during each GET.
/// </summary>
public sealed class HoldingsBench(
    IBus bus, NpgsqlDataSource db, string connectionString, HttpClient http, string bearer, BenchData data, ProcessProbe ledgerData)
{
    public async Task<string> RunAsync(int holdings, int rounds)
    {
        var instrument = BenchData.RandomAddress();
        var entries = Enumerable.Range(0, holdings)
            .Select(i => new HoldingEntry($"0x{i:x64}", data.Parties[i % data.Parties.Length], "5000000000000000000", null, i % 10 == 0))
            .ToList();
        var ingestStarted = Stopwatch.GetTimestamp();
        await bus.Publish(new HoldingsScanned(1, DateTimeOffset.UtcNow, 1, instrument, "ERC20", 18, entries, data.Factory));
        while (await StoredScanAsync(instrument) != 1)
        {
            if (Stopwatch.GetElapsedTime(ingestStarted) > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"LedgerData did not store the scan of {instrument} in 5 minutes");
            }
            await Task.Delay(50);
        }
        var ingestSeconds = Stopwatch.GetElapsedTime(ingestStarted).TotalSeconds;

        var sql = "select h.holding_cid, h.party_id, h.instrument_id, h.amount, h.locked from holdings h " +
                  $"where h.instrument_id = '{instrument}' order by h.instrument_id, h.holding_cid";
        // Both answers checked once (untimed) for the same rows in the same order.
        using var pageBody = new MemoryStream();
        await GetAsync(instrument, pageBody);
        using var page = JsonDocument.Parse(pageBody.ToArray());
        using var psqlBody = new MemoryStream();
        await PsqlAsync(sql, psqlBody);
        var psqlLines = Encoding.UTF8.GetString(psqlBody.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var rows = page.RootElement.GetProperty("holdings");
        if (page.RootElement.GetProperty("total").GetInt64() != holdings || rows.GetArrayLength() != holdings || psqlLines.Length != holdings
            || rows[0].GetProperty("holding_cid").GetString() != psqlLines[0].Split('\t')[0]
            || rows[holdings - 1].GetProperty("holding_cid").GetString() != psqlLines[^1].Split('\t')[0])
        {
            throw new InvalidOperationException($"Gateway and psql disagree: {rows.GetArrayLength()} rows vs {psqlLines.Length}");
        }

        var rssBefore = ledgerData.ReadMb("VmRSS");
        var gateway = new List<double>();
        var psql = new List<double>();
        double peak = 0;
        long bytes = 0;
        for (var round = 0; round < rounds; round++)
        {
            for (var turn = 0; turn < 2; turn++)
            {
                if ((round + turn) % 2 == 0)
                {
                    var started = Stopwatch.GetTimestamp();
                    peak = Math.Max(peak, await ledgerData.PeakDuringAsync(async () => bytes = await GetAsync(instrument, null)));
                    gateway.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
                }
                else
                {
                    var started = Stopwatch.GetTimestamp();
                    await PsqlAsync(sql, null);
                    psql.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
                }
            }
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"{holdings:N0} holdings of one token, stored from one HoldingsScanned in {ingestSeconds:0.00} s; {rounds} rounds, alternating; response {bytes / 1e6:0.0} MB of JSON");
        report.AppendLine();
        report.AppendLine("| path | median s | best s | worst s | median / psql |");
        report.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| GET /data/admin/holdings via gateway | {Stats.Median(gateway):0.000} | {gateway.Min():0.000} | {gateway.Max():0.000} | {Stats.Median(gateway) / Stats.Median(psql):0.00} |");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| psql \\copy (select …) to stdout | {Stats.Median(psql):0.000} | {psql.Min():0.000} | {psql.Max():0.000} | 1.00 |");
        report.AppendLine();
        report.AppendLine(ledgerData.Known
            ? string.Create(CultureInfo.InvariantCulture,
                $"LedgerData resident memory: {rssBefore:0} MB before the GETs, peak {peak:0} MB during them (VmRSS sampled every 5 ms); VmHWM since start {ledgerData.ReadMb("VmHWM"):0} MB (includes ingesting the scan).")
            : "LedgerData's process id was not given: memory not measured.");
        return report.ToString();
    }

    private async Task<long?> StoredScanAsync(string instrument)
    {
        await using var command = db.CreateCommand("select scan_id from holding_snapshots where instrument_id = @instrument");
        command.Parameters.AddWithValue("instrument", instrument);
        return await command.ExecuteScalarAsync() as long?;
    }

    /// <summary>Reads the whole response body (into <paramref name="keep"/>, or counted only, as a client streaming it would); its length.</summary>
    private async Task<long> GetAsync(string instrument, MemoryStream? keep)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/data/admin/holdings?instrument_id={instrument}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"holdings: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        await using var body = await response.Content.ReadAsStreamAsync();
        return await ReadAsync(body, keep);
    }

    /// <summary>psql's stdout for <c>\copy (sql) to stdout</c>; the connection comes from PG* variables, never the command line.</summary>
    private async Task PsqlAsync(string sql, MemoryStream? keep)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", $"\\copy ({sql}) to stdout"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PGHOST"] = connection.Host;
        start.Environment["PGPORT"] = connection.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = connection.Username;
        start.Environment["PGPASSWORD"] = connection.Password;
        start.Environment["PGDATABASE"] = connection.Database;
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await ReadAsync(process.StandardOutput.BaseStream, keep);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"psql exited {process.ExitCode}: {await errors}");
        }
    }

    private static async Task<long> ReadAsync(Stream stream, MemoryStream? keep)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            total += read;
            if (keep is not null)
            {
                await keep.WriteAsync(buffer.AsMemory(0, read));
            }
        }
        return total;
    }
}
