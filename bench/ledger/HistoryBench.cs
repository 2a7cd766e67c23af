using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Tokenizer.Bench.Ledger;

/// <summary>
/// The history page (<c>GET /data/admin/mints?limit=100&amp;offset=…</c>) through the gateway, one request at a time,
/// against the exact SQL LedgerData runs for it sent straight to its database, interleaved in rounds.
/// </summary>
public sealed class HistoryBench(NpgsqlDataSource db, HttpClient http, string bearer)
{
    // services/LedgerData/Data/HistoryQueries.cs, without filters.
    private const string PageSql =
        """
        select coalesce(n.command_id, e.command_hash), e.created_at, e.party_id, e.instrument_id, e.update_id, e.amount
        from history_events e left join command_names n on n.command_hash = e.command_hash
        where e.kind = @kind
        order by e.created_at desc, e.block_number desc, e.log_index desc
        limit @limit offset @offset
        """;

    public async Task<string> RunAsync(int requests, int rounds)
    {
        await using (var count = db.CreateCommand("select count(*) from history_events where kind = 'mint'"))
        {
            Console.Error.WriteLine($"history: {(long)(await count.ExecuteScalarAsync())!:N0} mints stored");
        }
        int[] offsets = [0, 900];
        var samples = new Dictionary<(string, int), List<double>>();
        foreach (var offset in offsets)
        {
            // Warm-up (and a check that the page is whole), untimed.
            for (var i = 0; i < 20; i++)
            {
                await SqlAsync(offset);
                if (await GatewayAsync(offset) != 100)
                {
                    throw new InvalidOperationException($"the page at offset {offset} does not have 100 rows");
                }
            }
            samples[("gateway", offset)] = [];
            samples[("sql", offset)] = [];
        }

        for (var round = 0; round < rounds; round++)
        {
            foreach (var offset in round % 2 == 0 ? offsets : offsets.Reverse())
            {
                for (var i = 0; i < requests / rounds; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    await GatewayAsync(offset);
                    samples[("gateway", offset)].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    started = Stopwatch.GetTimestamp();
                    await SqlAsync(offset);
                    samples[("sql", offset)].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"{requests} requests per path and offset, one at a time, in {rounds} interleaved rounds");
        report.AppendLine();
        report.AppendLine("| page | path | p50 ms | p99 ms | p99 / SQL p99 |");
        report.AppendLine("| --- | --- | ---: | ---: | ---: |");
        foreach (var offset in offsets)
        {
            var sqlP99 = Stats.Percentile(samples[("sql", offset)], 0.99);
            foreach (var path in new[] { "gateway", "sql" })
            {
                var values = samples[(path, offset)];
                var p99 = Stats.Percentile(values, 0.99);
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| limit 100, offset {offset} | {(path == "gateway" ? "GET /data/admin/mints via gateway" : "its SQL, Npgsql direct")} | {Stats.Median(values):0.00} | {p99:0.00} | {p99 / sqlP99:0.00} |");
            }
        }
        var gatewayRatio = Stats.Percentile(samples[("gateway", 900)], 0.99) / Stats.Percentile(samples[("gateway", 0)], 0.99);
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Gateway p99, offset 900 / offset 0: {gatewayRatio:0.00}");
        return report.ToString();
    }

    private async Task<int> GatewayAsync(int offset)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/data/admin/mints?limit=100&offset={offset}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"mints: {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
        }
        using var page = JsonDocument.Parse(body);
        return page.RootElement.GetArrayLength();
    }

    private async Task SqlAsync(int offset)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(PageSql, connection);
        command.Parameters.AddWithValue("kind", "mint");
        command.Parameters.AddWithValue("limit", 100);
        command.Parameters.AddWithValue("offset", offset);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            _ = (reader.GetString(0), reader.GetDateTime(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5));
        }
    }
}
