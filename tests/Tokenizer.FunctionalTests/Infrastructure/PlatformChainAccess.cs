using System.Text.Json;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.FunctionalTests.Infrastructure;

/// <summary>
/// The platform's chain as a test reads it independently of the services: its own RPC client on the AppHost's anvil,
/// the platform signer's address and the factory's, and anvil's funded dev accounts for holders.
/// </summary>
public sealed class PlatformChainAccess(PlatformFixture platform)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public EthRpcClient Rpc { get; } = new(Http, new EthRpcClientOptions { Endpoint = new Uri(platform.ChainRpcUrl) });

    /// <summary>The platform signer's key, from the AppHost's data folder (the test owns that folder).</summary>
    public EthKey SignerKey { get; } = EthKey.FromHex(ReadSecret(platform.DataDirectory, "chain-signer-key"));

    public Address Signer => SignerKey.Address;

    public Address Factory => PlatformDeployment.Predict(Signer).Factory;

    /// <summary>anvil's well-known dev account <paramref name="index"/> (0–5), funded, for holder-side transactions.</summary>
    public static EthKey DevKey(int index) => EthKey.FromHex(DevAccounts[index]);

    public static Address RandomAddress() => new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));

    // anvil's default-mnemonic accounts 1–5 (public test keys); account 0 is left alone.
    private static readonly string[] DevAccounts =
    [
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
        "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
        "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    ];

    private static string ReadSecret(string dataDirectory, string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataDirectory, "secrets.json")));
        return document.RootElement.GetProperty(name).GetString() ?? throw new InvalidOperationException($"No {name} in secrets.json.");
    }
}
