using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.FunctionalTests.Infrastructure;
using Tokenizer.FunctionalTests.Monitor;
using Tokenizer.FunctionalTests.Operator;

namespace Tokenizer.FunctionalTests.Platform;

/// <summary>
/// The AppHost with <c>AppHost:Replicas=2</c>: two processes of every service behind DCP's proxy, on a platform of the
/// test's own. Each replica is asked directly (its own port, from its resource snapshot) for its /metrics, so the test
/// sees which replica did what: the gateway's requests spread over both, the broker's commands executed by both, one
/// Monitor leading. Not in the shared platform's collection: it needs no shared platform, and tests run one at a time.
/// </summary>
public sealed class ScaleOutTests(ITestOutputHelper output)
{
    private const int Commands = 16;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task Two_replicas_of_each_service_share_requests_and_commands_with_one_monitor_leading_and_each_command_once_on_chain()
    {
        var dataDir = TestRuns.CreateDataDirectory("scale-out");
        try
        {
            await using var platform = await AspirePlatform.StartAsync(dataDir, ["--AppHost:Replicas=2"]);
            await platform.WaitForHealthyAsync(ResourceNames.Gateway, TimeSpan.FromSeconds(300));
            var tokenAdmins = await ReadyReplicasAsync(platform, ResourceNames.TokenAdmin);
            var monitors = await ReadyReplicasAsync(platform, ResourceNames.Monitor);

            // Generous: sixteen first requests at once, on replicas that compile each path on its first call, on two
            // shared cores. How fast they answer is not what this test is about.
            using var gateway = new HttpClient { BaseAddress = platform.App.GetEndpoint(ResourceNames.Gateway, "http"), Timeout = TimeSpan.FromMinutes(3) };
            var rpc = new EthRpcClient(Http, new EthRpcClientOptions { Endpoint = new Uri((await platform.App.GetConnectionStringAsync(ResourceNames.Chain))!) });
            using var secrets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dataDir, "secrets.json")));
            var signer = EthKey.FromHex(secrets.RootElement.GetProperty("chain-signer-key").GetString()!);
            await WaitForFactoryAsync(rpc, signer);
            var operatorToken = await FeedAssertions.OperatorTokenAsync(gateway);
            var operators = new OperatorCommandsClient(gateway, rpc, signer, operatorToken);
            var token = await operators.DeployErc20Async(decimals: 0);
            var party = PlatformChainAccess.RandomAddress();
            var acceptedBefore = await ValuesAsync(tokenAdmins, "tokenadmin.commands.accepted");
            var sentBefore = await ValuesAsync(tokenAdmins, "tokenadmin.commands.sent");

            // All at once, as several operators would: the gateway holds several connections to the proxy, which
            // spreads connections (not requests) over the replicas.
            var ids = Enumerable.Range(0, Commands).Select(i => OperatorCommandsClient.NewCommandId($"scale-{i}")).ToArray();
            await Task.WhenAll(ids.Select(id => operators.SubmitAsync("mint", id, token, party, 1)));
            try
            {
                foreach (var id in ids)
                {
                    (await operators.WaitForOutcomeAsync(id, TimeSpan.FromSeconds(120)))["status"]!.GetValue<string>().Should().Be("confirmed", id);
                }
            }
            catch (TimeoutException)
            {
                await DescribeStuckAsync(platform, operators, rpc, signer, ids);
                throw;
            }

            var accepted = Deltas(acceptedBefore, await ValuesAsync(tokenAdmins, "tokenadmin.commands.accepted"));
            var sent = Deltas(sentBefore, await ValuesAsync(tokenAdmins, "tokenadmin.commands.sent"));
            output.WriteLine($"requests accepted per TokenAdmin replica: {string.Join(", ", accepted)}; commands executed per replica: {string.Join(", ", sent)}");
            accepted.Sum().Should().Be(Commands, "each command's first request was accepted by one replica");
            accepted.Should().AllSatisfy(n => n.Should().BePositive("the gateway balances requests across the replicas"));
            // A replica that finds its nonce taken by the other signs again, which counts as a second send; the chain
            // below is the exactly-once proof.
            sent.Sum().Should().BeGreaterThanOrEqualTo(Commands, "every command was executed");
            sent.Should().AllSatisfy(n => n.Should().BePositive("both replicas consume commands from the broker"));
            foreach (var id in ids)
            {
                (await operators.CountCommandEventsAsync(token, id)).Should().Be(1, $"{id} minted once on chain");
            }
            (await operators.BalanceOfAsync(token, party)).Should().Be(new BigInteger(Commands));

            // One Monitor leads (its advisory lock), the other stands by; the leader's snapshot has the token's supply.
            var leaders = await ValuesAsync(monitors, "tokenizer.monitor.leader");
            output.WriteLine($"monitor leader gauge per replica: {string.Join(", ", leaders)}");
            leaders.Order().Should().Equal([0, 1], "exactly one of the two Monitor replicas leads");
            await new StatusApiClient(gateway, operatorToken).WaitForAsync(
                s => s["tokens"]?[token.ToString()]?["total_supply"] is { } supply
                    && decimal.Parse(supply.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) == Commands,
                TimeSpan.FromSeconds(60), "the token's supply from the leading monitor");
            (await ValuesAsync(monitors, "tokenizer.monitor.leader")).Sum().Should().Be(1, "still one leader");
        }
        finally
        {
            TestRuns.TryDelete(dataDir);
        }
    }

    /// <summary>
    /// What a command that never completed was waiting for (a CI run once saw one replaced eleven times without being
    /// mined): the signer's mined and pending nonces, each command's state, the node's pool, and both TokenAdmin
    /// replicas' last console lines.
    /// </summary>
    private async Task DescribeStuckAsync(AspirePlatform platform, OperatorCommandsClient operators, EthRpcClient rpc, EthKey signer, IEnumerable<string> ids)
    {
        try
        {
            output.WriteLine($"signer {signer.Address}: nonce latest {await rpc.GetTransactionCountAsync(signer.Address, BlockTag.Latest)}, pending {await rpc.GetTransactionCountAsync(signer.Address, BlockTag.Pending)}");
            foreach (var id in ids)
            {
                var (_, body) = await operators.GetCommandAsync(id);
                var hashes = body?["tx_hashes"]?.AsArray().Select(h => h!.GetValue<string>()).ToList() ?? [];
                var nonce = hashes.Count > 0 && await rpc.GetTransactionByHashAsync(Hash32.Parse(hashes[^1])) is { } info ? info.Nonce.ToString() : "not known to the node";
                output.WriteLine($"  {id}: {body?["status"]}, attempts {body?["attempts"]}, {hashes.Count} hashes, last one's nonce {nonce}");
            }
            output.WriteLine($"txpool_content: {await rpc.RequestAsync("txpool_content", [])}");
        }
        catch (Exception e) when (e is RpcException or RpcTransportException or HttpRequestException)
        {
            output.WriteLine($"(the chain could not be read: {e.Message})");
        }
        foreach (var line in await platform.ConsoleLinesAsync(ResourceNames.TokenAdmin))
        {
            output.WriteLine($"  tokenadmin: {System.Text.RegularExpressions.Regex.Replace(line, @"\x1b\[[0-9;]*m", "")}");
        }
    }

    // Each replica's own address: DCP tells a replica where to listen (ASPNETCORE_URLS); the proxy forwards there.
    private static async Task<IReadOnlyList<Uri>> ReadyReplicasAsync(AspirePlatform platform, string resourceName)
    {
        var urls = new List<Uri>();
        foreach (var (name, url) in await ReplicaAddressesAsync(platform, resourceName))
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (true)
            {
                try
                {
                    using var ready = await Http.GetAsync(new Uri(url, "/readyz"));
                    if (ready.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // not listening yet, or too busy starting to answer
                }
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{name} at {url} was not ready.{Environment.NewLine}{await platform.DescribeAsync()}");
                }
                await Task.Delay(250);
            }
            urls.Add(url);
        }
        return urls;
    }

    // Replica instances are resources of their own in the notifications (their ids carry DCP's suffix), each with the
    // environment DCP gave it; the watch replays every current state first.
    private static async Task<IReadOnlyList<(string Name, Uri Url)>> ReplicaAddressesAsync(AspirePlatform platform, string resourceName)
    {
        var found = new Dictionary<string, Uri>(StringComparer.Ordinal);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await foreach (var e in platform.Notifications.WatchAsync(cts.Token))
            {
                var urls = e.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value;
                if (e.Resource.Name == resourceName && !string.IsNullOrEmpty(urls))
                {
                    found[e.ResourceId] = new Uri(urls.Split(';')[0]);
                    if (found.Count == 2)
                    {
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"{resourceName}: {found.Count} replica addresses, not 2.{Environment.NewLine}{await platform.DescribeAsync()}");
        }
        found.Values.Distinct().Should().HaveCount(2, $"each {resourceName} replica listens on its own port");
        return found.Select(f => (f.Key, f.Value)).ToList();
    }

    private static async Task WaitForFactoryAsync(EthRpcClient rpc, EthKey signer)
    {
        var factory = PlatformDeployment.Predict(signer.Address).Factory;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await rpc.GetCodeAsync(factory, BlockTag.Latest)).Length == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The factory was not deployed.");
            }
            await Task.Delay(250);
        }
    }

    // A counter's or gauge's value on each replica; a counter not yet incremented is absent from /metrics: zero.
    private static async Task<long[]> ValuesAsync(IEnumerable<Uri> replicas, string instrument) =>
        await Task.WhenAll(replicas.Select(async replica =>
        {
            var metrics = await Http.GetFromJsonAsync<JsonObject>(new Uri(replica, "/metrics"));
            return (long)(metrics!["metrics"]![instrument]?["value"]?.GetValue<double>() ?? 0);
        }));

    private static long[] Deltas(long[] before, long[] after) => after.Zip(before, (a, b) => a - b).ToArray();
}
