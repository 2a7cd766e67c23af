using System.Diagnostics;
using System.Text.Json;
using Tokenizer.Chain.Primitives;

namespace Tokenizer.Chain.Rpc;

/// <summary>
/// Waits for many transactions' receipts with one poll loop: every hash that is due is asked in one JSON-RPC batch of
/// <c>eth_getTransactionReceipt</c>, however many callers wait. A hash is asked at once when it is registered (on an
/// instant-mining node the receipt is usually there already), then every <see cref="PollInterval"/> until its
/// receipt comes or its timeout passes. A caller then gets what <see cref="EthRpcClient.WaitForReceiptAsync"/> would
/// give it: the receipt, null on timeout, or the error of its own request (a refused request, or a transport error of
/// the batch it was in). With N writes in flight this is one request per interval instead of N.
/// </summary>
public sealed class ReceiptPoller : IDisposable
{
    /// <summary>The largest batch asked at once; more waiting hashes are asked in the next round right after.</summary>
    public const int MaxBatch = 256;

    private static readonly ActivitySource Source = new(EthRpcClient.ActivitySourceName);
    private readonly EthRpcClient _rpc;
    private readonly Lock _gate = new();
    private readonly List<Waiter> _waiting = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public ReceiptPoller(EthRpcClient rpc, TimeSpan pollInterval)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pollInterval, TimeSpan.Zero);
        _rpc = rpc;
        PollInterval = pollInterval;
    }

    /// <summary>How long after a miss a hash is asked again.</summary>
    public TimeSpan PollInterval { get; }

    /// <summary>How many callers wait now.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>The receipt once the node has one; null when <paramref name="timeout"/> passes first.</summary>
    public async Task<TransactionReceipt?> WaitAsync(Hash32 hash, TimeSpan timeout, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        // One span for the whole wait inside the caller's trace; the polls themselves are the loop's, outside any trace.
        using var activity = Source.StartActivity("wait eth_getTransactionReceipt", ActivityKind.Internal);
        activity?.SetTag("rpc.system", "jsonrpc");
        activity?.SetTag("eth.transaction.hash", hash.ToString());
        var waiter = new Waiter(hash, Stopwatch.GetTimestamp(), timeout);
        lock (_gate)
        {
            _waiting.Add(waiter);
            _loop ??= Task.Run(RunAsync);
        }
        _wake.Release();
        await using var registration = ct.Register(static state => ((Waiter)state!).Result.TrySetCanceled(), waiter);
        try
        {
            var receipt = await waiter.Result.Task.ConfigureAwait(false);
            activity?.SetTag("eth.receipt.found", receipt is not null);
            return receipt;
        }
        catch (Exception e) when (activity is not null && e is RpcException or RpcTransportException)
        {
            activity.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
        finally
        {
            lock (_gate)
            {
                _waiting.Remove(waiter);
            }
        }
    }

    private async Task RunAsync()
    {
        var ct = _stopping.Token;
        while (!ct.IsCancellationRequested)
        {
            List<Waiter> due;
            TimeSpan sleep;
            lock (_gate)
            {
                var now = Stopwatch.GetTimestamp();
                due = [];
                sleep = Timeout.InfiniteTimeSpan;
                foreach (var waiter in _waiting)
                {
                    if (waiter.Result.Task.IsCompleted)
                    {
                        continue;
                    }
                    var untilDue = waiter.DueAt == 0 ? TimeSpan.Zero : PollInterval - Stopwatch.GetElapsedTime(waiter.DueAt, now);
                    if (untilDue <= TimeSpan.Zero && due.Count < MaxBatch)
                    {
                        due.Add(waiter);
                    }
                    else if (sleep == Timeout.InfiniteTimeSpan || untilDue < sleep)
                    {
                        sleep = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue;
                    }
                }
            }

            if (due.Count == 0)
            {
                try
                {
                    // A new waiter wakes the loop early; otherwise it sleeps until the next hash is due (or for ever).
                    await _wake.WaitAsync(sleep, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                continue;
            }

            await PollAsync(due, ct).ConfigureAwait(false);
        }
    }

    private async Task PollAsync(List<Waiter> due, CancellationToken ct)
    {
        IReadOnlyList<RpcResponse> answers;
        try
        {
            answers = await _rpc.BatchAsync(due.Select(w => new RpcRequest("eth_getTransactionReceipt", w.Hash.ToString())).ToList(), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or RpcTransportException)
        {
            // As one caller's own poll would: the error reaches everyone whose request it carried.
            foreach (var waiter in due)
            {
                waiter.Result.TrySetException(e);
            }
            return;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            foreach (var waiter in due)
            {
                waiter.Result.TrySetException(new ObjectDisposedException(nameof(ReceiptPoller)));
            }
            return;
        }

        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < due.Count; i++)
        {
            var waiter = due[i];
            var answer = answers[i];
            if (answer.Error is { } error)
            {
                waiter.Result.TrySetException(error);
            }
            else if (answer.Result is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } result)
            {
                try
                {
                    waiter.Result.TrySetResult(RpcJson.Receipt(result));
                }
                catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or KeyNotFoundException)
                {
                    waiter.Result.TrySetException(new RpcTransportException("eth_getTransactionReceipt", "The node's receipt could not be read: " + e.Message, e));
                }
            }
            else if (Stopwatch.GetElapsedTime(waiter.RegisteredAt, now) >= waiter.Timeout)
            {
                waiter.Result.TrySetResult(null);
            }
            else
            {
                waiter.DueAt = now;
            }
        }
    }

    public void Dispose()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        _stopping.Cancel();
        lock (_gate)
        {
            foreach (var waiter in _waiting)
            {
                waiter.Result.TrySetException(new ObjectDisposedException(nameof(ReceiptPoller)));
            }
        }
    }

    private sealed class Waiter(Hash32 hash, long registeredAt, TimeSpan timeout)
    {
        public Hash32 Hash { get; } = hash;
        public long RegisteredAt { get; } = registeredAt;
        public TimeSpan Timeout { get; } = timeout;

        /// <summary>0 until first asked (due at once); then the timestamp of the last miss.</summary>
        public long DueAt { get; set; }

        public TaskCompletionSource<TransactionReceipt?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
