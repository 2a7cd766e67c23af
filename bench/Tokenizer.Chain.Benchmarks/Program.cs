using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Tokenizer.Chain.Benchmarks;

// A short in-process job keeps the whole run to a couple of minutes on a shared 2-core box.
var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddJob(Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(8)
        .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250)))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);

if (args.Contains("--sanity"))
{
    // Quick correctness check without BenchmarkDotNet: the benchmarked code paths really decode and sign.
    var logs = new LogDecodingBenchmarks();
    logs.Setup();
    Console.WriteLine($"fast={logs.DecodeTransferFast()} generic={logs.DecodeTransferGeneric()}");
    return;
}

var summaries = BenchmarkRunner.Run([typeof(SigningBenchmarks), typeof(LogDecodingBenchmarks), typeof(KeccakBenchmarks)], config, args);
foreach (var summary in summaries)
    foreach (var report in summary.Reports)
    {
        if (report.ResultStatistics is not { } stats) continue;
        var opsPerSecond = 1e9 / stats.Mean;
        var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT\t{report.BenchmarkCase.Descriptor.WorkloadMethod.Name}\t{opsPerSecond:F0}\t{stats.Mean:F1}\t{allocated}"));
    }
