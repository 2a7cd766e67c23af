using System.Net;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Chain.Tests.Support;

namespace Tokenizer.Chain.Tests.Rpc;

/// <summary>
/// eth_getLogs answers the node may send besides a plain list (errors, nulls, escapes, unknown fields, a log larger
/// than the read buffer, a cut-off body), each parsed off the stream at several read sizes and held against
/// System.Text.Json's document of the same bytes.
/// </summary>
public class LogsAnswerTests
{
    private const string Topic0 = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
    private const string Hash = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060";
    private static readonly int[] ReadSizes = [1, 7, 100, 1 << 20];

    private static string Log(string data = "0x01", string blockNumber = "\"0x10\"", string extra = "", string address = "\"0x5fbdb2315678afecb367f032d93f642f64180aa3\"") =>
        $$"""{"address":{{address}},"topics":["{{Topic0}}"],"data":"{{data}}","blockHash":"{{Hash}}","blockNumber":{{blockNumber}},"transactionHash":"{{Hash}}","transactionIndex":"0x0","logIndex":"0x2a","removed":false{{extra}}}""";

    private static string Answer(params string[] logs) => "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":[" + string.Join(',', logs) + "]}";

    private static async Task<IReadOnlyList<LogEntry>> ReadAsync(string answer, int maxRead, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var http = new HttpClient(TrickleHandler.Fixed(answer, maxRead, status));
        var client = new EthRpcClient(http, new EthRpcClientOptions { Endpoint = new Uri("http://127.0.0.1:9/") });
        return await client.GetLogsAsync(new LogFilter());
    }

    [Fact]
    public async Task Unknown_fields_escapes_nulls_and_removed_logs_are_read_as_the_document_says()
    {
        var answer = Answer(
            Log(extra: ",\"blockTimestamp\":\"0x6750\",\"nested\":{\"a\":[1,{\"b\":null}]}"),
            Log(data: "0x", blockNumber: "null"),
            Log(address: "\"\\u0030x5FbDB2315678afecb367f032d93F642f64180aa3\"").Replace("\"removed\":false", "\"removed\":true"),
            Log(data: "0xAbCdEf"));
        foreach (var size in ReadSizes)
        {
            var logs = await ReadAsync($"  {answer}\n", size);
            TrickleHandler.Describe(logs).Should().Equal(TrickleHandler.ExpectedLogs(System.Text.Encoding.UTF8.GetBytes(answer)), $"reads of {size} bytes");
            logs[1].BlockNumber.Should().BeNull();
            logs[1].Data.Should().BeEmpty();
            logs[2].Removed.Should().BeTrue();
            logs[2].Address.Should().Be(Address.Parse("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
        }
    }

    [Fact]
    public async Task A_log_larger_than_the_read_buffer_is_read_whole()
    {
        var data = "0x" + string.Concat(Enumerable.Range(0, 150_000).Select(i => (i % 256).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        var answer = Answer(Log(), Log(data: data), Log());
        foreach (var size in new[] { 4096, 1 << 20 })
        {
            var logs = await ReadAsync(answer, size);
            logs.Should().HaveCount(3);
            logs[1].Data.Should().HaveCount(150_000);
            logs[1].Data[255].Should().Be(255);
            TrickleHandler.Describe(logs).Should().Equal(TrickleHandler.ExpectedLogs(System.Text.Encoding.UTF8.GetBytes(answer)));
        }
    }

    [Fact]
    public async Task An_empty_or_null_result_is_no_logs()
    {
        foreach (var size in ReadSizes)
        {
            (await ReadAsync(Answer(), size)).Should().BeEmpty();
            (await ReadAsync("""{"result":null,"id":1,"jsonrpc":"2.0"}""", size)).Should().BeEmpty();
        }
    }

    [Fact]
    public async Task The_node_s_error_is_an_rpc_exception_with_its_code_message_and_data()
    {
        const string answer = """{"jsonrpc":"2.0","id":7,"error":{"code":-32005,"message":"query returned more than 10000 results","data":{"limit":10000}}}""";
        foreach (var size in ReadSizes)
        {
            var read = () => ReadAsync(answer, size);
            var error = (await read.Should().ThrowAsync<RpcException>()).Which;
            error.Code.Should().Be(-32005);
            error.IsTooManyResults.Should().BeTrue();
            error.ErrorData.Should().Be("""{"limit":10000}""");
        }
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":7,"result":[""", "ended")]
    [InlineData("""{"jsonrpc":"2.0","id":7,"result":[{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topi""", "ended")]
    [InlineData("""[{"jsonrpc":"2.0","id":7,"result":[]}]""", "not a JSON-RPC object")]
    [InlineData("""{"jsonrpc":"2.0","id":7}""", "neither a result nor an error")]
    [InlineData("""{"jsonrpc":"2.0","id":7,"result":"0x1"}""", "not a list of logs")]
    [InlineData("""{"jsonrpc":"2.0","id":7,"result":[{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa","topics":[],"data":"0x"}]}""", "40 hex digits")]
    [InlineData("""{"jsonrpc":"2.0","id":7,"result":[{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":[],"data":"0x1"}]}""", "odd number")]
    [InlineData("""{"jsonrpc":"2.0","id":7,"result":[{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","data":"0x"}]}""", "no topics")]
    [InlineData("""{"jsonrpc":"2.0","id":7,"result":[{"address":"0x5fbdb2315678afecb367f032d93f642f64180aa3","topics":[],"data":"0x","logIndex":"0xzz"}]}""", "malformed quantity")]
    [InlineData("""{"jsonrpc":"2.0","id":7,"result":[}""", "not valid JSON")]
    public async Task A_broken_answer_is_a_transport_error_that_says_what_is_wrong(string answer, string says)
    {
        foreach (var size in ReadSizes)
        {
            var read = () => ReadAsync(answer, size);
            (await read.Should().ThrowAsync<RpcTransportException>()).Which.Message.Should().Contain(says, $"reads of {size} bytes");
        }
    }

    [Fact]
    public async Task An_http_error_without_a_json_rpc_body_names_the_status()
    {
        var read = () => ReadAsync("<html>Bad Gateway</html>", 1 << 20, HttpStatusCode.BadGateway);
        (await read.Should().ThrowAsync<RpcTransportException>()).Which.Message.Should().Contain("HTTP 502");
    }
}
