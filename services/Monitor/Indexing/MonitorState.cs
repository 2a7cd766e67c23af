namespace Tokenizer.Monitor.Indexing;

/// <summary>
/// What this process knows of its indexing and feeds, read by the status snapshot and the metrics. Written by the
/// leader's loop only; readers take a consistent copy under the lock.
/// </summary>
public sealed class MonitorState
{
    private readonly Lock _gate = new();

    public bool IsLeader { get; private set; }
    public long ChainId { get; private set; }
    public long HeadBlock { get; private set; } = -1;
    public long IndexedBlock { get; private set; } = -1;
    public long ConfirmedBlock { get; private set; } = -1;
    public double LagSeconds { get; private set; }
    public long ReorgsTotal { get; private set; }
    public long EventsIndexedTotal { get; private set; }
    public long CyclesTotal { get; private set; }
    public long CycleErrorsTotal { get; private set; }
    public DateTimeOffset? LastSuccessAt { get; private set; }
    public double LastScanDurationSeconds { get; private set; }
    public int LastScanHoldings { get; private set; }
    public string? LastError { get; private set; }
    public bool HistoryBackpressured { get; private set; }
    public long HoldingsDroppedTotal { get; private set; }

    public void SetLeader(bool leader)
    {
        lock (_gate)
        {
            IsLeader = leader;
        }
    }

    /// <summary>Counters survive a failover: the new leader continues from the last snapshot's figures.</summary>
    public void Resume(long cycles, long errors, long dropped)
    {
        lock (_gate)
        {
            CyclesTotal = Math.Max(CyclesTotal, cycles);
            CycleErrorsTotal = Math.Max(CycleErrorsTotal, errors);
            HoldingsDroppedTotal = Math.Max(HoldingsDroppedTotal, dropped);
        }
    }

    public void Indexed(long chainId, long head, long indexed, long confirmed, double lagSeconds, long reorgs, long newEvents)
    {
        lock (_gate)
        {
            ChainId = chainId;
            HeadBlock = head;
            IndexedBlock = indexed;
            ConfirmedBlock = confirmed;
            LagSeconds = lagSeconds;
            ReorgsTotal = reorgs;
            EventsIndexedTotal += newEvents;
        }
    }

    public void Backpressure(bool on)
    {
        lock (_gate)
        {
            HistoryBackpressured = on;
        }
    }

    public void HoldingsDropped()
    {
        lock (_gate)
        {
            HoldingsDroppedTotal++;
        }
    }

    public void CycleSucceeded(DateTimeOffset at, double scanSeconds, int holdings)
    {
        lock (_gate)
        {
            CyclesTotal++;
            LastSuccessAt = at;
            LastScanDurationSeconds = scanSeconds;
            LastScanHoldings = holdings;
            LastError = null;
        }
    }

    public void CycleFailed(string error)
    {
        lock (_gate)
        {
            CyclesTotal++;
            CycleErrorsTotal++;
            LastError = error;
        }
    }
}
