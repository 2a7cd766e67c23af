using System.Diagnostics;
using System.Net.Http.Headers;

namespace Tokenizer.Bench.Monitor;

/// <summary>
/// Load on GET /status. Closed loop: each client sends its next request when the last one answered, so at saturation
/// the latency is queueing (clients ÷ throughput). Paced (<c>pace</c> set): each client sends one request per
/// <c>pace</c> (an operator's dashboard polling), or its next at once when an answer took longer than that.
/// </summary>
public static class StatusLoad
{
    public static async Task<LoadResult> RunAsync(string target, Uri baseUrl, string token, int clients, TimeSpan duration, TimeSpan? pace = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseUrl,
            Timeout = TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var samples = new List<double>[clients];
        var failures = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            if (pace is { } spread)
            {
                await Task.Delay(spread * c / clients); // paced clients start spread over one interval, not all at once
            }
            var mine = samples[c] = new List<double>(4096);
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.GetAsync("/status", HttpCompletionOption.ResponseContentRead);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failures);
                        continue;
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                    continue;
                }
                var took = Stopwatch.GetElapsedTime(started);
                mine.Add(took.TotalMilliseconds);
                if (pace is { } interval && interval > took)
                {
                    await Task.Delay(interval - took);
                }
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var all = samples.SelectMany(s => s).Order().ToArray();
        return new LoadResult(target, clients, all.Length, failures, seconds, Percentile(all, 0.50), Percentile(all, 0.99), all.Length > 0 ? all[^1] : 0);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
