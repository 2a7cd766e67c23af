using System.Diagnostics;
using Tokenizer.Chain.Tests.Support;

namespace Tokenizer.Chain.Tests.CrossChecks;

/// <summary>Byte-identical agreement with ethers v6 on the committed vectors and on a freshly generated set (there with Nethereum too).</summary>
public class EthersVectorTests(ITestOutputHelper output)
{
    private static readonly string Dir = VectorFiles.CommittedDirectory;

    [Fact] public void Keccak_matches_ethers_on_1000_inputs() => VectorChecks.Keccak(Dir).Should().BeGreaterThanOrEqualTo(1000);
    [Fact] public void Eip55_checksums_match_ethers_on_500_addresses() => VectorChecks.Eip55(Dir).Should().BeGreaterThanOrEqualTo(500);
    [Fact] public void Rlp_encoding_and_decoding_match_ethers() => VectorChecks.Rlp(Dir).Should().BeGreaterThanOrEqualTo(500);
    [Fact] public void Abi_encoding_and_decoding_match_ethers_on_2000_random_types() => VectorChecks.Abi(Dir).Should().BeGreaterThanOrEqualTo(2000);
    [Fact] public void Message_hash_signatures_match_ethers_on_200_keys() => VectorChecks.Signatures(Dir).Should().BeGreaterThanOrEqualTo(200);
    [Fact] public void Legacy_eip155_transactions_match_ethers_on_500_cases() => VectorChecks.LegacyTransactions(Dir).Should().BeGreaterThanOrEqualTo(500);
    [Fact] public void Eip1559_transactions_match_ethers_on_500_cases() => VectorChecks.Eip1559Transactions(Dir).Should().BeGreaterThanOrEqualTo(500);

    [Fact] public void The_platform_contract_abis_load_with_the_selectors_and_topics_ethers_computes() => VectorChecks.ContractAbis(Dir).Should().BeGreaterThan(200);

    [Fact]
    public async Task Freshly_generated_vectors_from_a_random_seed_match_ours_and_nethereum()
    {
        // Node is a prerequisite of the repository (script/bootstrap refuses to run without it), so its absence fails.
        var node = FindNode() ?? throw new InvalidOperationException("`node` is not on PATH: the live ethers cross-check cannot run. Run script/bootstrap.");
        var seed = Random.Shared.Next(1, int.MaxValue);
        var outDir = Path.Combine(Path.GetTempPath(), "tokenizer-vectors-" + Guid.NewGuid().ToString("n"));
        try
        {
            var psi = new ProcessStartInfo(node, ["generate.mjs", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--count", "small", "--out", outDir])
            {
                WorkingDirectory = VectorFiles.SourceDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(psi)!;
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            process.ExitCode.Should().Be(0, "generate.mjs failed: {0}", await stderr);
            var checkedCases = VectorChecks.All(outDir);
            NethereumVectorChecks.All(outDir).Should().Be(checkedCases);
            output.WriteLine($"seed {seed}: {checkedCases} freshly generated cases: ethers, ours and Nethereum agree");
            checkedCases.Should().BeGreaterThan(300);
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }

    private static string? FindNode()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator)
            .Select(p => Path.Combine(p, OperatingSystem.IsWindows() ? "node.exe" : "node"))
            .FirstOrDefault(File.Exists);
    }
}
