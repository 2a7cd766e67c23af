using System.Diagnostics;
using System.Net.Http.Headers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;
using Tokenizer.Chain.Transactions;

namespace Tokenizer.Chain.Rpc;

/// <summary>Settings for <see cref="EthRpcClient"/>.</summary>
public sealed class EthRpcClientOptions
{
    /// <summary>Endpoint; when null the HttpClient's BaseAddress is used.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Timeout applied to each call unless overridden with <see cref="EthRpcClient.WithTimeout"/>.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>One request of a batch.</summary>
public sealed record RpcRequest(string Method, params JsonNode?[] Params);

/// <summary>One answer of a batch: either a result or an error.</summary>
public sealed record RpcResponse(string Method, JsonElement? Result, RpcException? Error)
{
    /// <summary>The result, or throws the error.</summary>
    public JsonElement GetResult() => Error is not null ? throw Error : Result ?? default;

    /// <summary>The result as a quantity.</summary>
    public BigInteger GetQuantity() => Hex.DecodeQuantity(GetResult().GetString() ?? throw new FormatException("Expected a quantity."));
}

/// <summary>
/// Ethereum JSON-RPC over HTTP. Every call has a timeout (per client, see <see cref="WithTimeout"/>); errors
/// surface as <see cref="RpcException"/> (the node answered with an error) or <see cref="RpcTransportException"/>
/// (no answer). Nothing is retried here: in particular <see cref="SendRawTransactionAsync"/> is never retried blindly,
/// and the <see cref="HttpClient"/> handed in must not carry a retry handler for POSTs either.
/// </summary>
public sealed class EthRpcClient
{
    /// <summary>The activity source of the client's spans: one client span per JSON-RPC call or batch.</summary>
    public const string ActivitySourceName = "Tokenizer.Chain.Rpc";

    private static readonly ActivitySource Source = new(ActivitySourceName);
    private readonly HttpClient _http;
    private readonly Uri? _endpoint;
    private readonly TimeSpan _timeout;
    private static long _nextId;

    public EthRpcClient(HttpClient http, EthRpcClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        options ??= new EthRpcClientOptions();
        _http = http;
        _endpoint = options.Endpoint;
        _timeout = options.DefaultTimeout;
        if (_endpoint is null && http.BaseAddress is null)
        {
            throw new ArgumentException("Set an endpoint or the HttpClient's BaseAddress.");
        }
    }

    private EthRpcClient(EthRpcClient other, TimeSpan timeout)
    {
        _http = other._http;
        _endpoint = other._endpoint;
        _timeout = timeout;
    }

    /// <summary>A client sharing this one's connection, with another per-call timeout.</summary>
    public EthRpcClient WithTimeout(TimeSpan timeout) => new(this, timeout);

    /// <summary>The per-call timeout.</summary>
    public TimeSpan Timeout => _timeout;

    // ---- typed methods ----

    public async Task<ulong> GetChainIdAsync(CancellationToken ct = default) =>
        Hex.DecodeQuantityUInt64((await RequestAsync("eth_chainId", [], ct)).GetString()!);

    public async Task<ulong> GetBlockNumberAsync(CancellationToken ct = default) =>
        Hex.DecodeQuantityUInt64((await RequestAsync("eth_blockNumber", [], ct)).GetString()!);

    /// <summary>The block header with transaction hashes, or null when the block does not exist.</summary>
    public async Task<Block?> GetBlockByNumberAsync(BlockTag block, CancellationToken ct = default)
    {
        var result = await RequestAsync("eth_getBlockByNumber", [block.ToString(), false], ct);
        return result.ValueKind == JsonValueKind.Null ? null : RpcJson.Block(result);
    }

    /// <summary>
    /// Several block headers in JSON-RPC batches of at most <see cref="MaxBlocksPerBatch"/>, in the order asked (null
    /// where the block does not exist). An error answer for any of them throws it, as <see cref="GetBlockByNumberAsync"/> would.
    /// </summary>
    public async Task<IReadOnlyList<Block?>> GetBlocksByNumberAsync(IReadOnlyList<BlockTag> blocks, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var headers = new List<Block?>(blocks.Count);
        foreach (var chunk in blocks.Chunk(MaxBlocksPerBatch))
        {
            var answers = await BatchAsync(chunk.Select(b => new RpcRequest("eth_getBlockByNumber", b.ToString(), false)).ToList(), ct);
            headers.AddRange(answers.Select(a => a.GetResult() is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } result ? RpcJson.Block(result) : null));
        }
        return headers;
    }

    /// <summary>The largest batch <see cref="GetBlocksByNumberAsync"/> sends at once.</summary>
    public const int MaxBlocksPerBatch = 100;

    public async Task<ulong> GetTransactionCountAsync(Address address, BlockTag block, CancellationToken ct = default) =>
        Hex.DecodeQuantityUInt64((await RequestAsync("eth_getTransactionCount", [address.ToLowerHex(), block.ToString()], ct)).GetString()!);

    public async Task<BigInteger> GetBalanceAsync(Address address, BlockTag block, CancellationToken ct = default) =>
        Hex.DecodeQuantity((await RequestAsync("eth_getBalance", [address.ToLowerHex(), block.ToString()], ct)).GetString()!);

    /// <summary>The code at <paramref name="address"/>: empty for an account without code (e.g. a clone not yet deployed).</summary>
    public async Task<byte[]> GetCodeAsync(Address address, BlockTag block, CancellationToken ct = default) =>
        Hex.Decode((await RequestAsync("eth_getCode", [address.ToLowerHex(), block.ToString()], ct)).GetString()!);

    public async Task<BigInteger> GetGasPriceAsync(CancellationToken ct = default) =>
        Hex.DecodeQuantity((await RequestAsync("eth_gasPrice", [], ct)).GetString()!);

    public async Task<BigInteger> GetMaxPriorityFeePerGasAsync(CancellationToken ct = default) =>
        Hex.DecodeQuantity((await RequestAsync("eth_maxPriorityFeePerGas", [], ct)).GetString()!);

    public async Task<FeeHistory> GetFeeHistoryAsync(int blockCount, BlockTag newestBlock, IReadOnlyList<double>? rewardPercentiles = null, CancellationToken ct = default)
    {
        var percentiles = new JsonArray((rewardPercentiles ?? []).Select(p => (JsonNode?)p).ToArray());
        return RpcJson.FeeHistory(await RequestAsync("eth_feeHistory", [Hex.EncodeQuantity((ulong)blockCount), newestBlock.ToString(), percentiles], ct));
    }

    /// <summary>eth_estimateGas; a revert throws <see cref="RpcException"/> with the revert decoded.</summary>
    public async Task<ulong> EstimateGasAsync(CallRequest request, BlockTag? block = null, CancellationToken ct = default)
    {
        JsonNode?[] parameters = block is { } b ? [request.ToJson(), b.ToString()] : [request.ToJson()];
        return Hex.DecodeQuantityUInt64((await RequestAsync("eth_estimateGas", parameters, ct)).GetString()!);
    }

    /// <summary>eth_call; a revert throws <see cref="RpcException"/> with the revert decoded.</summary>
    public async Task<byte[]> CallAsync(CallRequest request, BlockTag block, CancellationToken ct = default) =>
        Hex.Decode((await RequestAsync("eth_call", [request.ToJson(), block.ToString()], ct)).GetString()!);

    /// <summary>
    /// Broadcasts a signed transaction, once. A resend must pass the same <see cref="SignedTransaction"/> (same bytes);
    /// "already known" is then success, and "nonce too low" is success when the node knows this very hash
    /// (it was mined), otherwise the nonce went to a different transaction and the error is rethrown.
    /// A timeout throws <see cref="RpcTransportException"/>: the outcome is unknown, resend the same bytes.
    /// </summary>
    public async Task<Hash32> SendRawTransactionAsync(SignedTransaction transaction, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        try
        {
            var result = await RequestAsync("eth_sendRawTransaction", [transaction.RawHex], ct);
            var hash = Hash32.Parse(result.GetString()!);
            if (hash != transaction.Hash)
            {
                throw new InvalidOperationException($"The node reported hash {hash} for transaction {transaction.Hash}.");
            }

            return hash;
        }
        catch (RpcException e) when (e.IsAlreadyKnown)
        {
            return transaction.Hash;
        }
        catch (RpcException e) when (e.IsNonceTooLow)
        {
            if (await GetTransactionByHashAsync(transaction.Hash, ct) is not null)
            {
                return transaction.Hash;
            }

            throw;
        }
    }

    public async Task<TransactionReceipt?> GetTransactionReceiptAsync(Hash32 hash, CancellationToken ct = default)
    {
        var result = await RequestAsync("eth_getTransactionReceipt", [hash.ToString()], ct);
        return result.ValueKind == JsonValueKind.Null ? null : RpcJson.Receipt(result);
    }

    /// <summary>
    /// The receipts of several transactions in one JSON-RPC batch, in the order asked (null where there is none yet).
    /// An error answer for any of them throws it, as <see cref="GetTransactionReceiptAsync"/> would.
    /// </summary>
    public async Task<IReadOnlyList<TransactionReceipt?>> GetTransactionReceiptsAsync(IReadOnlyList<Hash32> hashes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var answers = await BatchAsync(hashes.Select(h => new RpcRequest("eth_getTransactionReceipt", h.ToString())).ToList(), ct);
        return answers.Select(a => a.GetResult() is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } result ? RpcJson.Receipt(result) : null).ToList();
    }

    public async Task<TransactionInfo?> GetTransactionByHashAsync(Hash32 hash, CancellationToken ct = default)
    {
        var result = await RequestAsync("eth_getTransactionByHash", [hash.ToString()], ct);
        return result.ValueKind == JsonValueKind.Null ? null : RpcJson.Transaction(result);
    }

    /// <summary>Polls for a receipt until it appears or <paramref name="timeout"/> passes (null then).</summary>
    public async Task<TransactionReceipt?> WaitForReceiptAsync(Hash32 hash, TimeSpan timeout, TimeSpan? pollInterval = null, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await GetTransactionReceiptAsync(hash, ct) is { } receipt)
            {
                return receipt;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return null;
            }

            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(200), ct);
        }
    }

    /// <summary>eth_getLogs: every log of the filter, parsed off the answer as it is read (<see cref="StreamLogsAsync"/>).</summary>
    public async Task<IReadOnlyList<LogEntry>> GetLogsAsync(LogFilter filter, CancellationToken ct = default)
    {
        var logs = new List<LogEntry>();
        await foreach (var batch in StreamLogsAsync(filter, ct))
        {
            logs.AddRange(batch);
        }
        return logs;
    }

    /// <summary>
    /// eth_getLogs, its logs handed over in batches while the answer is still being read: each batch holds the logs
    /// parsed from one read of the response stream. No document of the whole answer is built, so a caller can decode
    /// and store a large range's logs while the rest arrive, in memory the size of a read buffer. The call's timeout
    /// covers the whole answer, the caller's time between batches included. A node error (a range too large
    /// included) is an <see cref="RpcException"/> thrown by the first batch; nodes send it before any log.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<LogEntry>> StreamLogsAsync(LogFilter filter, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var answer = new LogsAnswer(this, ct);
        await answer.SendAsync(filter);
        while (await answer.ReadAsync() is { } batch)
        {
            yield return batch;
        }
    }

    /// <summary>One streamed eth_getLogs call: its span, its timeout, the response and the bytes read but not yet parsed.</summary>
    private sealed class LogsAnswer(EthRpcClient client, CancellationToken ct) : IAsyncDisposable
    {
        private const string Method = "eth_getLogs";
        private readonly Activity? _activity = StartActivity(Method);
        private readonly CancellationTokenSource _timeout = CreateTimeout(client._timeout, ct);
        private readonly LogsAnswerParser _parser = new(Method);
        private HttpResponseMessage? _response;
        private Stream? _stream;
        private byte[] _buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        private int _start;
        private int _end;
        private bool _ended;

        public async Task SendAsync(LogFilter filter)
        {
            var id = Interlocked.Increment(ref _nextId);
            var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = Method, ["params"] = new JsonArray(filter.ToJson()) };
            await Guard(async () =>
            {
                _response = await client.SendPostAsync(body.ToJsonString(), _timeout.Token);
                _stream = await _response.Content.ReadAsStreamAsync(_timeout.Token);
                return true;
            });
        }

        /// <summary>The next logs, or null once the answer is complete.</summary>
        public Task<List<LogEntry>?> ReadAsync() => Guard(async () =>
        {
            var logs = new List<LogEntry>();
            while (!_parser.IsDone)
            {
                if (_end == _buffer.Length)
                {
                    MakeRoom();
                }
                var read = _ended ? 0 : await _stream!.ReadAsync(_buffer.AsMemory(_end), _timeout.Token);
                _ended = read == 0;
                _end += read;
                try
                {
                    _start += _parser.Feed(_buffer.AsSpan(_start, _end - _start), _ended, logs);
                }
                catch (RpcTransportException e) when (_response is { IsSuccessStatusCode: false })
                {
                    // Some nodes answer JSON-RPC errors with a 4xx/5xx status; without a JSON-RPC body, the status says it.
                    throw new RpcTransportException(Method, $"HTTP {(int)_response.StatusCode} without a JSON-RPC body.", e);
                }
                if (logs.Count > 0)
                {
                    return logs;
                }
            }
            return null;
        });

        // The unparsed rest moves to the front; a single log larger than the buffer doubles it.
        private void MakeRoom()
        {
            var pending = _end - _start;
            var target = _start > 0 ? _buffer : System.Buffers.ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, _start, target, 0, pending);
            if (target != _buffer)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = target;
            }
            _start = 0;
            _end = pending;
        }

        private async Task<T> Guard<T>(Func<Task<T>> step)
        {
            try
            {
                return await step();
            }
            catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
            {
                throw Failed(new RpcTransportException(Method, $"No answer within {client._timeout.TotalSeconds:0.###} s.", e, isTimeout: true));
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                throw Failed(new RpcTransportException(Method, e.Message, e));
            }
            catch (Exception e) when (e is RpcException or RpcTransportException)
            {
                throw Failed(e);
            }
        }

        private Exception Failed(Exception e)
        {
            _activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            return e;
        }

        public ValueTask DisposeAsync()
        {
            _stream?.Dispose();
            _response?.Dispose();
            _timeout.Dispose();
            _activity?.Dispose();
            System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
            return ValueTask.CompletedTask;
        }
    }

    private static CancellationTokenSource CreateTimeout(TimeSpan timeout, CancellationToken ct)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(ct);
        source.CancelAfter(timeout);
        return source;
    }

    /// <summary>
    /// Walks [fromBlock, toBlock] in chunks of at most <paramref name="chunkSize"/> blocks, halving the chunk whenever
    /// the node refuses a range as too large (and keeping the smaller size afterwards). Logs come in chain order.
    /// </summary>
    public async IAsyncEnumerable<LogEntry> GetLogsPagedAsync(
        LogFilter filter, ulong fromBlock, ulong toBlock, ulong chunkSize = 2_000, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(chunkSize);
        var start = fromBlock;
        while (start <= toBlock)
        {
            var end = toBlock - start >= chunkSize ? start + chunkSize - 1 : toBlock;
            IReadOnlyList<LogEntry> page;
            try
            {
                page = await GetLogsAsync(filter with { FromBlock = start, ToBlock = end }, ct);
            }
            catch (RpcException e) when (e.IsTooManyResults && end > start)
            {
                chunkSize = Math.Max(1, (end - start + 1) / 2);
                continue;
            }
            foreach (var log in page)
            {
                yield return log;
            }

            if (end == ulong.MaxValue)
            {
                yield break;
            }

            start = end + 1;
        }
    }

    // ---- raw requests ----

    /// <summary>Sends one request and returns its result (JSON null included).</summary>
    public async Task<JsonElement> RequestAsync(string method, JsonNode?[] parameters, CancellationToken ct = default)
    {
        using var activity = StartActivity(method);
        try
        {
            var id = Interlocked.Increment(ref _nextId);
            var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = new JsonArray(parameters) };
            using var document = await PostAsync(method, body.ToJsonString(), ct);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new RpcTransportException(method, "The node's answer is not a JSON-RPC object.");
            }

            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                throw RpcException.FromJson(method, error);
            }

            return root.TryGetProperty("result", out var result)
                ? result.Clone()
                : throw new RpcTransportException(method, "The node's answer has neither a result nor an error.");
        }
        catch (Exception e) when (e is RpcException or RpcTransportException && activity is not null)
        {
            activity!.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    /// <summary>
    /// A client span per call, after OpenTelemetry's RPC conventions (<c>rpc.system</c>, <c>rpc.method</c>), named after
    /// the method: a trace then shows which call reached the node, not only an HTTP POST.
    /// </summary>
    private static Activity? StartActivity(string method)
    {
        var activity = Source.StartActivity(method, ActivityKind.Client);
        activity?.SetTag("rpc.system", "jsonrpc");
        activity?.SetTag("rpc.method", method);
        return activity;
    }

    /// <summary>Sends requests as one JSON-RPC batch; answers come back in request order.</summary>
    public async Task<IReadOnlyList<RpcResponse>> BatchAsync(IReadOnlyList<RpcRequest> requests, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        using var activity = StartActivity($"batch {string.Join(' ', requests.Select(r => r.Method).Distinct())}");
        activity?.SetTag("rpc.jsonrpc.batch_size", requests.Count);
        var firstId = Interlocked.Add(ref _nextId, requests.Count) - requests.Count + 1;
        var array = new JsonArray();
        for (var i = 0; i < requests.Count; i++)
        {
            // Parameters are cloned: a JsonNode can only have one parent and callers may reuse theirs.
            var parameters = new JsonArray(requests[i].Params.Select(p => p?.DeepClone()).ToArray());
            array.Add(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = firstId + i, ["method"] = requests[i].Method, ["params"] = parameters });
        }
        using var document = await PostAsync("batch", array.ToJsonString(), ct);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var batchError))
        {
            throw RpcException.FromJson("batch", batchError);
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new RpcTransportException("batch", "The node's answer to a batch is not an array.");
        }

        var responses = new RpcResponse?[requests.Count];
        foreach (var item in root.EnumerateArray())
        {
            if (!item.TryGetProperty("id", out var idElement) || !idElement.TryGetInt64(out var id))
            {
                continue;
            }

            var index = id - firstId;
            if (index < 0 || index >= requests.Count)
            {
                continue;
            }

            var method = requests[(int)index].Method;
            responses[index] = item.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                ? new RpcResponse(method, null, RpcException.FromJson(method, error))
                : new RpcResponse(method, item.TryGetProperty("result", out var result) ? result.Clone() : default(JsonElement?), null);
        }
        for (var i = 0; i < responses.Length; i++)
        {
            responses[i] ??= new RpcResponse(requests[i].Method, null, new RpcException(requests[i].Method, 0, "No answer in the batch response.", null));
        }

        if (responses.FirstOrDefault(r => r!.Error is not null) is { Error: { } refused })
        {
            // Like a single call's span: a batch with a refused request is marked failed, with the first refusal.
            activity?.SetStatus(ActivityStatusCode.Error, refused.Message);
        }

        return responses!;
    }

    /// <summary>Posts a JSON-RPC body; the answer's headers are read, its body is left to the caller.</summary>
    private async Task<HttpResponseMessage> SendPostAsync(string json, CancellationToken ct)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = content };
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    private async Task<JsonDocument> PostAsync(string method, string json, CancellationToken ct)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutSource.CancelAfter(_timeout);
        try
        {
            using var response = await SendPostAsync(json, timeoutSource.Token);
            await using var stream = await response.Content.ReadAsStreamAsync(timeoutSource.Token);
            try
            {
                // Some nodes answer JSON-RPC errors with a 4xx/5xx status; the body still says what went wrong.
                return await JsonDocument.ParseAsync(stream, default, timeoutSource.Token);
            }
            catch (JsonException e)
            {
                throw new RpcTransportException(method, $"HTTP {(int)response.StatusCode} without a JSON-RPC body.", e);
            }
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new RpcTransportException(method, $"No answer within {_timeout.TotalSeconds:0.###} s.", e, isTimeout: true);
        }
        catch (HttpRequestException e)
        {
            throw new RpcTransportException(method, e.Message, e);
        }
    }
}
