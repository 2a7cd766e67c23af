using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Monitor.Scanning;
using Tokenizer.Monitor.Status;

namespace Tokenizer.Monitor.Indexing;

/// <summary>
/// The monitor loop. Every instance competes for the factory's leader lease each poll interval; the leader runs
/// index → publish → scan → snapshot once per interval, the others stand by. A standby takes over within one or
/// two intervals of the leader's death, and resumes at the shared cursor: no gap, no duplicate.
/// </summary>
public sealed partial class MonitorWorker(
    NpgsqlDataSource dataSource, ChainIndexer indexer, HoldingsScanner scanner, StatusSnapshotWriter writer, MonitorState state,
    EthRpcClient rpc, IOptions<MonitorOptions> options, IOptions<ChainSettings> chain, ILogger<MonitorWorker> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);
    private readonly MonitorOptions _options = options.Value;
    private (DateTimeOffset At, TimeSpan Took)? _lastScan;

    /// <summary>Runs the next cycle now (a token was just deployed) instead of at the next interval.</summary>
    public void Wake() => _wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var factory = chain.Value.Factory!.Value;
        var key = ChainIndexer.FactoryKey(factory);
        while (!stoppingToken.IsCancellationRequested)
        {
            LeaderLease? lease = null;
            try
            {
                lease = await LeaderLease.TryAcquireAsync(dataSource, key, stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                LogLeaseUnavailable(logger, e.Message);
            }
            if (lease is null)
            {
                await WaitAsync(_options.PollInterval, stoppingToken);
                continue;
            }
            await using (lease)
            {
                LogLeading(logger, factory.ToString());
                state.SetLeader(true);
                try
                {
                    await LeadAsync(lease, factory, stoppingToken);
                }
                finally
                {
                    state.SetLeader(false);
                }
            }
        }
    }

    /// <summary>
    /// Every cycle scans once the index is at the head. While it is behind (a backfill), a scan folds holdings at a
    /// block that the next ranges soon leave behind, so it runs only when the last one is ten of its own durations
    /// old: scans then take at most about a tenth of a backfill, however many events it has indexed.
    /// </summary>
    private bool ScanDue(DateTimeOffset now) =>
        state.IndexedBlock >= state.HeadBlock || _lastScan is not { } last || now - last.At >= last.Took * 10;

    private async Task LeadAsync(LeaderLease lease, Address factory, CancellationToken ct)
    {
        scanner.Reset();
        _lastScan = null;
        await writer.ResumeAsync(factory);
        while (!ct.IsCancellationRequested)
        {
            var cycle = Stopwatch.StartNew();
            var succeeded = false;
            try
            {
                // A long backfill yields every few intervals so that the snapshot (and, now and then, a scan) keeps its pace.
                await indexer.IndexAsync(lease.Connection, factory, _options.PollInterval * 3, ct);
                var indexMs = cycle.ElapsedMilliseconds;
                ScanResult? scan = null;
                var scanClock = Stopwatch.StartNew();
                var scannedAt = DateTimeOffset.UtcNow;
                if (!_options.Enabled || state.ConfirmedBlock < 0)
                {
                    state.CycleSucceeded(DateTimeOffset.UtcNow, 0, 0);
                }
                else if (ScanDue(scannedAt))
                {
                    scan = await scanner.ScanAsync(lease.Connection, factory, state.ConfirmedBlock, scannedAt, ct);
                    _lastScan = (scannedAt, scanClock.Elapsed);
                    state.CycleSucceeded(DateTimeOffset.UtcNow, scanClock.Elapsed.TotalSeconds, scan.Holdings);
                }
                else
                {
                    state.CycleSucceeded(DateTimeOffset.UtcNow, state.LastScanDurationSeconds, state.LastScanHoldings);
                }
                var scanMs = scanClock.ElapsedMilliseconds;
                await writer.WriteAsync(lease.Connection, factory, scan, DateTimeOffset.UtcNow, ct);
                LogCycle(logger, indexMs, scanMs, cycle.ElapsedMilliseconds);
                succeeded = true;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                state.CycleFailed(Describe(e));
                LogCycleFailed(logger, e);
                var alive = await lease.IsAliveAsync(ct);
                try
                {
                    await writer.WriteAsync(alive ? lease.Connection : null, factory, null, DateTimeOffset.UtcNow, ct);
                }
                catch (Exception inner) when (!ct.IsCancellationRequested)
                {
                    LogSnapshotFailed(logger, inner.Message);
                }
                if (!alive)
                {
                    LogLeaseLost(logger, factory.ToString());
                    return;
                }
            }
            var rest = _options.PollInterval - cycle.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                // After a failed cycle, no looks: the next attempt comes a whole interval later, whatever the head does.
                await (succeeded ? WaitForNextCycleAsync(rest, ct) : WaitAsync(rest, ct));
            }
        }
    }

    /// <summary>
    /// Waits out the rest of the interval, looking at the chain's head <see cref="MonitorOptions.HeadChecksPerInterval"/>
    /// times meanwhile: a head above or below the one the cycle saw, or a head block whose hash changed since the last
    /// look (a reorg at the same height), starts the next cycle at once. A look that fails just waits on: the cycle
    /// itself reports the node's trouble.
    /// </summary>
    private async Task WaitForNextCycleAsync(TimeSpan rest, CancellationToken ct)
    {
        if (_options.HeadChecksPerInterval <= 0)
        {
            await WaitAsync(rest, ct);
            return;
        }
        var look = _options.PollInterval / _options.HeadChecksPerInterval;
        var clock = Stopwatch.StartNew();
        var seenHead = state.HeadBlock;
        Hash32? seenHash = null;
        while (!ct.IsCancellationRequested && clock.Elapsed < rest)
        {
            var left = rest - clock.Elapsed;
            if (await WaitAsync(left < look ? left : look, ct) || clock.Elapsed >= rest)
            {
                return;
            }
            try
            {
                if (await rpc.GetBlockByNumberAsync(BlockTag.Latest, ct) is not { } head)
                {
                    continue;
                }
                if ((long)head.Number != seenHead || (seenHash is { } hash && hash != head.Hash))
                {
                    return;
                }
                seenHash = head.Hash;
            }
            catch (Exception e) when (e is RpcException or RpcTransportException)
            {
                // the next cycle meets the same trouble and counts it
            }
        }
    }

    /// <summary>Waits for <paramref name="delay"/>; true when <see cref="Wake"/> ended the wait early.</summary>
    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            return await _wake.WaitAsync(delay, ct);
        }
        catch (OperationCanceledException)
        {
            return false; // stopping
        }
    }

    // The snapshot shows the reason to operators; only the message, bounded, never a connection string.
    private static string Describe(Exception e) => e.Message.Length > 300 ? e.Message[..300] : e.Message;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cycle: indexed in {IndexMs} ms, scanned in {ScanMs} ms, {CycleMs} ms in all")]
    private static partial void LogCycle(ILogger logger, long indexMs, long scanMs, long cycleMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "This instance now leads indexing of factory {Factory}")]
    private static partial void LogLeading(ILogger logger, string factory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader lease of factory {Factory} lost; standing by")]
    private static partial void LogLeaseLost(ILogger logger, string factory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader lease unavailable: {Reason}")]
    private static partial void LogLeaseUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Monitor cycle failed")]
    private static partial void LogCycleFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Status snapshot not written: {Reason}")]
    private static partial void LogSnapshotFailed(ILogger logger, string reason);
}
