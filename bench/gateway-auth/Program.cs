using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

// Load run through a running gateway, from its own process: the same proxied GET with three kinds of caller,
// interleaved so that machine noise hits all three alike. Reports p50/p99 per kind and the ratios to anonymous.
//   dotnet run -c Release --project bench/gateway-auth -- --gateway http://127.0.0.1:8080 [--requests 3000] [--concurrency 8]
// Needs the Development operator client (tokenizer-operator): it makes the bench account an operator so the
// per-user rate limit (OPERATOR figure) does not throttle the run.
var options = Args.Parse(args);
var gateway = new Uri(options.GetValueOrDefault("gateway", "http://127.0.0.1:8080"));
var requests = int.Parse(options.GetValueOrDefault("requests", "3000"), CultureInfo.InvariantCulture);
var concurrency = int.Parse(options.GetValueOrDefault("concurrency", "8"), CultureInfo.InvariantCulture);
var output = options.GetValueOrDefault("output", "");

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = gateway };

var email = $"bench-{Guid.NewGuid():N}@example.com";
var signUp = await Json(await http.PostAsJsonAsync("/auth/signup", new { email, password = "bench password 1" }));
var userId = signUp["user"]!["id"]!.GetValue<string>();
var operatorToken = (await Json(await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
{
    ["grant_type"] = "client_credentials",
    ["client_id"] = "tokenizer-operator",
    ["client_secret"] = "dev-operator-secret",
}))))["access_token"]!.GetValue<string>();
await Json(await Send(HttpMethod.Put, $"/api/admin/users/{userId}/role", operatorToken, new { role = "operator" }));
var jwt = (await Json(await http.PostAsJsonAsync("/auth/signin", new { email, password = "bench password 1" })))["token"]!.GetValue<string>();
var apiKey = (await Json(await Send(HttpMethod.Post, "/api-keys", jwt, new { name = "bench" })))["key"]!.GetValue<string>();

// The first three: one anonymous route (the discovery document, proxied to Identity, no database), called with no
// credential, a JWT or an API key. The gateway and Identity authenticate whatever credential comes (and the gateway
// counts it against the per-user rate limit), so the ratios are the cost of authentication alone. The last two are
// the real authenticated route (a profile read from the database) for scale.
var kinds = new (string Name, string Path, string? Bearer)[]
{
    ("anonymous", "/.well-known/openid-configuration", null),
    ("jwt", "/.well-known/openid-configuration", jwt),
    ("api-key", "/.well-known/openid-configuration", apiKey),
    ("jwt", "/me", jwt),
    ("api-key", "/me", apiKey),
};

// Warm-up: connections, JIT, caches (the API key's Redis entry, the JWKS).
foreach (var kind in kinds)
{
    await Measure(kind, 200);
}
var samples = kinds.ToDictionary(k => k.Name + k.Path, _ => new List<double>());
const int Rounds = 10;
for (var round = 0; round < Rounds; round++)
{
    foreach (var kind in round % 2 == 0 ? kinds : kinds.Reverse())
    {
        samples[kind.Name + kind.Path].AddRange(await Measure(kind, requests / Rounds));
    }
}

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"gateway {gateway}, {requests} requests per kind, concurrency {concurrency}, {DateTimeOffset.UtcNow:u}");
report.AppendLine();
report.AppendLine("| caller | route | p50 ms | p99 ms | p50 / anonymous | p99 / anonymous |");
report.AppendLine("| --- | --- | ---: | ---: | ---: | ---: |");
var baseline = Percentiles(samples[kinds[0].Name + kinds[0].Path]);
foreach (var kind in kinds)
{
    var (p50, p99) = Percentiles(samples[kind.Name + kind.Path]);
    report.AppendLine(CultureInfo.InvariantCulture,
        $"| {kind.Name} | GET {kind.Path} | {p50:0.00} | {p99:0.00} | {p50 / baseline.P50:0.00} | {p99 / baseline.P99:0.00} |");
}
Console.Write(report);
if (output.Length > 0)
{
    await File.WriteAllTextAsync(output, report.ToString());
}
return 0;

async Task<List<double>> Measure((string Name, string Path, string? Bearer) kind, int count)
{
    var latencies = new List<double>(count);
    var next = 0;
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        while (Interlocked.Increment(ref next) <= count)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, kind.Path);
            if (kind.Bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", kind.Bearer);
            }
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{kind.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            lock (latencies)
            {
                latencies.Add(elapsed);
            }
        }
    }));
    return latencies;
}

static (double P50, double P99) Percentiles(List<double> values)
{
    var sorted = values.Order().ToArray();
    double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    return (At(0.50), At(0.99));
}

async Task<HttpResponseMessage> Send(HttpMethod method, string path, string bearer, object body)
{
    using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
    return await http.SendAsync(request);
}

static async Task<JsonNode> Json(HttpResponseMessage response)
{
    using (response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
        }
        return JsonNode.Parse(text)!;
    }
}

internal static class Args
{
    public static Dictionary<string, string> Parse(string[] args)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            result[args[i].TrimStart('-')] = args[i + 1];
        }
        return result;
    }
}
