using Tokenizer.Chain.Primitives;

namespace Tokenizer.Bench.Monitor;

public sealed record SeedResult(Address Token, long FromBlock, long ToBlock, int Transfers, double Seconds);

public sealed record RateResult(long Events, double Seconds)
{
    public double PerSecond => Events / Seconds;
}

public sealed record MonitorRun(RateResult Rate, long StartBlock);

public sealed record LoadResult(string Target, int Clients, long Requests, long Failures, double Seconds, double P50, double P99, double Max)
{
    /// <summary>The target process's CPU time over the round per request, where the bench started that process.</summary>
    public double? CpuMicrosecondsPerRequest { get; init; }

    public double Throughput => Requests / Seconds;
}

public sealed record ReorgResult(int Depth, long ReplacedBlocks, double Seconds, double PollIntervals, int RemovedFromFeed);
