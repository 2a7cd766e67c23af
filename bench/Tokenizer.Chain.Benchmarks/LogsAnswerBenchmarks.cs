using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Chain.Benchmarks;

/// <summary>
/// An eth_getLogs answer of 10,000 ERC-20 Transfer logs (the shape anvil writes, 6.3 MB) turned into logs: the way
/// before (the whole answer parsed into a <see cref="JsonDocument"/>, its result cloned, each log read from the
/// document) against <see cref="EthRpcClient.GetLogsAsync"/> now (parsed off the stream a read at a time).
/// </summary>
[MemoryDiagnoser]
public class LogsAnswerBenchmarks
{
    private const int Logs = 10_000;
    private byte[] _answer = [];
    private EthRpcClient _client = null!;

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[");
        for (var i = 0; i < Logs; i++)
        {
            var n = i.ToString("x8", CultureInfo.InvariantCulture);
            text.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $$"""{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef","0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb9{{n[..4]}}","0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc{{n[4..]}}"],"data":"0x00000000000000000000000000000000000000000000000000000000{{n}}","blockHash":"0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfb{{n}}","blockNumber":"0x{{i / 1000 + 1:x}}","blockTimestamp":"0x6750a1b2","transactionHash":"0x9c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfb{{n}}","transactionIndex":"0x0","logIndex":"0x{{i % 1000:x}}","removed":false}""");
        }
        _answer = Encoding.UTF8.GetBytes(text.Append("]}").ToString());
        _client = new EthRpcClient(new HttpClient(new AnswerHandler(_answer)), new EthRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:9/") });
    }

    [Benchmark(Baseline = true, Description = "eth_getLogs answer to logs, whole document (before)", OperationsPerInvoke = Logs)]
    public async Task<int> Document()
    {
        var result = await _client.RequestAsync("eth_getLogs", [new System.Text.Json.Nodes.JsonObject()]);
        return result.EnumerateArray().Select(RpcJson.Log).ToArray().Length;
    }

    [Benchmark(Description = "eth_getLogs answer to logs, parsed off the stream (now)", OperationsPerInvoke = Logs)]
    public async Task<int> Streamed() => (await _client.GetLogsAsync(new LogFilter())).Count;

    /// <summary>Answers every request with the same bytes, from memory: the benchmark measures the client alone.</summary>
    private sealed class AnswerHandler(byte[] answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(answer, writable: false)) });
    }
}
