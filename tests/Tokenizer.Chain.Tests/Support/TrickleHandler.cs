using System.Net;
using System.Text.Json;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Chain.Serialization;

namespace Tokenizer.Chain.Tests.Support;

/// <summary>
/// Hands the client an answer at most <paramref name="maxRead"/> bytes per read, as a slow network would: the real
/// node's answer (with an inner handler) or a fixed one (<see cref="Fixed"/>), so that a streaming parser meets every
/// split of the bytes.
/// </summary>
public sealed class TrickleHandler(int maxRead) : DelegatingHandler
{
    private byte[]? _fixed;
    private HttpStatusCode _status = HttpStatusCode.OK;

    /// <summary>The bytes of the last answer handed over.</summary>
    public byte[] LastAnswer { get; private set; } = [];

    public static TrickleHandler Fixed(string answer, int maxRead, HttpStatusCode status = HttpStatusCode.OK) =>
        new(maxRead) { _fixed = System.Text.Encoding.UTF8.GetBytes(answer), _status = status, InnerHandler = new HttpClientHandler() };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var status = _status;
        var bytes = _fixed;
        if (bytes is null)
        {
            using var inner = await base.SendAsync(request, ct);
            status = inner.StatusCode;
            bytes = await inner.Content.ReadAsByteArrayAsync(ct);
        }
        LastAnswer = bytes;
        return new HttpResponseMessage(status) { Content = new StreamContent(new TrickleStream(bytes, maxRead)) };
    }

    private sealed class TrickleStream(byte[] bytes, int maxRead) : MemoryStream(bytes, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, maxRead));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, maxRead)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, maxRead)], ct);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            base.ReadAsync(buffer, offset, Math.Min(count, maxRead), ct);
    }

    /// <summary>The logs of an eth_getLogs answer as System.Text.Json's document reads them, every field as the node wrote it.</summary>
    public static IReadOnlyList<string> ExpectedLogs(byte[] answer)
    {
        using var document = JsonDocument.Parse(answer);
        return document.RootElement.GetProperty("result").EnumerateArray().Select(log => string.Join('|',
            log.GetProperty("address").GetString()!.ToLowerInvariant(),
            string.Join(',', log.GetProperty("topics").EnumerateArray().Select(t => t.GetString()!.ToLowerInvariant())),
            log.GetProperty("data").GetString()!.ToLowerInvariant(),
            Quantity(log, "blockNumber"), Text(log, "blockHash"), Text(log, "transactionHash"),
            Quantity(log, "transactionIndex"), Quantity(log, "logIndex"),
            log.TryGetProperty("removed", out var removed) && removed.GetBoolean())).ToList();

        static string Text(JsonElement log, string name) => log.GetProperty(name).GetString()?.ToLowerInvariant() ?? "null";

        static string Quantity(JsonElement log, string name) => log.GetProperty(name).ValueKind == JsonValueKind.Null
            ? "null"
            : ulong.Parse(log.GetProperty(name).GetString()![2..], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The same fields of the client's logs, in the form of <see cref="ExpectedLogs"/>.</summary>
    public static IReadOnlyList<string> Describe(IEnumerable<LogEntry> logs) => logs.Select(log => string.Join('|',
        log.Address.ToLowerHex(), string.Join(',', log.Topics.Select(t => t.ToString())), Hex.Encode(log.Data),
        log.BlockNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null", log.BlockHash?.ToString() ?? "null",
        log.TransactionHash?.ToString() ?? "null", log.TransactionIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null",
        log.LogIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null", log.Removed)).ToList();
}
