using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;

namespace Tokenizer.FunctionalTests.Telemetry;

/// <summary>
/// An OTLP/HTTP (protobuf) endpoint in the test process, standing where the Aspire dashboard stands when the platform
/// runs for a person: the services export to it, and a test reads the spans of one trace. Trace requests are kept as
/// bytes and decoded only when a test asks; metrics and logs are answered and dropped. What it keeps is bounded, so a
/// long test run cannot grow it without end.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private const long MaxKeptBytes = 64L * 1024 * 1024;
    private const int MaxKeptSpans = 200_000;
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<byte[]> _pending = new();
    private readonly List<OtlpSpan> _spans = [];
    private readonly Lock _decode = new();
    private readonly Task _loop;
    private long _pendingBytes;

    private OtlpReceiver(int port)
    {
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        _listener.Prefixes.Add($"{Endpoint}");
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>What OTEL_EXPORTER_OTLP_ENDPOINT is set to (the exporter appends /v1/traces and so on).</summary>
    public Uri Endpoint { get; }

    public static OtlpReceiver Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new OtlpReceiver(port);
    }

    /// <summary>The spans received so far of one trace (W3C trace id, lowercase hex).</summary>
    public IReadOnlyList<OtlpSpan> SpansOf(string traceId)
    {
        lock (_decode)
        {
            while (_pending.TryDequeue(out var request))
            {
                Interlocked.Add(ref _pendingBytes, -request.Length);
                _spans.AddRange(OtlpTraceDecoder.Decode(request).Where(s => s.TraceId.Length > 0));
            }

            if (_spans.Count > MaxKeptSpans)
            {
                _spans.RemoveRange(0, _spans.Count - MaxKeptSpans);
            }

            return _spans.Where(s => s.TraceId == traceId).ToList();
        }
    }

    /// <summary>Polls until the trace's spans satisfy <paramref name="complete"/>; returns what arrived by then either way.</summary>
    public async Task<IReadOnlyList<OtlpSpan>> WaitForTraceAsync(string traceId, Func<IReadOnlyList<OtlpSpan>, bool> complete, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var spans = SpansOf(traceId);
        while (!complete(spans) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            spans = SpansOf(traceId);
        }

        return spans;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var body = new MemoryStream();
            var input = context.Request.Headers["Content-Encoding"] == "gzip"
                ? new GZipStream(context.Request.InputStream, CompressionMode.Decompress)
                : context.Request.InputStream;
            await using (input)
            {
                await input.CopyToAsync(body);
            }

            if (context.Request.Url?.AbsolutePath == "/v1/traces")
            {
                Keep(body.ToArray());
            }

            // An empty Export*ServiceResponse: everything accepted.
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
        }
        catch (Exception e) when (e is IOException or HttpListenerException or InvalidDataException)
        {
            context.Response.StatusCode = 400;
        }
        finally
        {
            context.Response.Close();
        }
    }

    private void Keep(byte[] request)
    {
        _pending.Enqueue(request);
        // Oldest first out when over the bound: a test asks about a trace it has just made.
        var kept = Interlocked.Add(ref _pendingBytes, request.Length);
        while (kept > MaxKeptBytes && _pending.TryDequeue(out var dropped))
        {
            kept = Interlocked.Add(ref _pendingBytes, -dropped.Length);
        }
    }
}
