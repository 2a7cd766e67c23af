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
    // Quick correctness check without BenchmarkDotNet: the benchmarked code paths really decode and sign, and
    // Nethereum's paths produce the same bytes and values as ours, so the ratios compare like with like.
    var logs = new LogDecodingBenchmarks();
    logs.Setup();
    var (fast, generic, nethereum) = (logs.DecodeTransferFast(), logs.DecodeTransferGeneric(), logs.DecodeTransferNethereum());
    Console.WriteLine($"fast={fast} generic={generic} nethereum={nethereum}");
    var ours = new SigningBenchmarks().SignEip1559();
    var theirs = new SigningBenchmarks().SignEip1559Nethereum();
    Console.WriteLine($"same signed bytes: {Tokenizer.Chain.Serialization.Hex.Encode(ours) == "0x" + theirs}");
    if (fast != nethereum || Tokenizer.Chain.Serialization.Hex.Encode(ours) != "0x" + theirs)
    {
        Environment.Exit(1);
    }

    return;
}

if (Array.IndexOf(args, "--pipeline") is var at and >= 0)
{
    // Needs a running anvil: bench/run-chain-benchmarks.sh starts one and passes its URL.
    var transfers = args.Length > at + 2 ? int.Parse(args[at + 2], CultureInfo.InvariantCulture) : 200;
    await PipelineBenchmark.RunAsync(new Uri(args[at + 1]), transfers, rounds: 5);
    return;
}

var summaries = BenchmarkRunner.Run([typeof(SigningBenchmarks), typeof(LogDecodingBenchmarks), typeof(KeccakBenchmarks), typeof(LogsAnswerBenchmarks)], config, args);
foreach (var summary in summaries)
{
    foreach (var report in summary.Reports)
    {
        if (report.ResultStatistics is not { } stats)
        {
            continue;
        }

        var opsPerSecond = 1e9 / stats.Mean;
        var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT\t{report.BenchmarkCase.Descriptor.WorkloadMethod.Name}\t{opsPerSecond:F0}\t{stats.Mean:F1}\t{allocated}"));
    }
}
