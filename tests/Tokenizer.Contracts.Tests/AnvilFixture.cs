using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Nonces;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Contracts.Tests;

[CollectionDefinition(Name)]
public sealed class AnvilCollection : ICollectionFixture<AnvilFixture>
{
    public const string Name = "anvil";
}

/// <summary>
/// One private anvil (chain 31337, loopback, free port) for the collection, with both implementations and the factory
/// deployed from C#. anvil runs under a small shell watchdog that kills it when the test host dies, so a crashed or
/// killed run leaves no orphan; DisposeAsync kills both.
/// </summary>
public sealed class AnvilFixture : IAsyncLifetime
{
    public const ulong ChainId = 31337;

    // anvil's well-known dev accounts (mnemonic "test test ... junk"); checked against anvil's own output at start.
    public static readonly (string Key, string Address)[] DevAccounts =
    [
        ("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
        ("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
        ("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"),
        ("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6", "0x90F79bf6EB2c4f870365E785982E1f101E93b906"),
    ];

    private const string Watchdog =
        "\"$0\" \"$@\" & child=$!; " +
        "while kill -0 $PPID 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.5; done; " +
        "kill $child 2>/dev/null; wait $child";

    private Process? _process;
    private readonly StringBuilder _output = new();
    private readonly Dictionary<Address, ContractTransactionSender> _senders = new();
    private HttpClient? _http;

    public string RepoRoot { get; } = FindRepoRoot();
    public string RpcUrl { get; private set; } = "";
    public EthRpcClient Rpc { get; private set; } = null!;
    public NonceManager Nonces { get; private set; } = null!;
    public string AnvilOutput { get { lock (_output) return _output.ToString(); } }

    /// <summary>Account 0: deploys everything, factory admin and admin of the test tokens.</summary>
    public EthKey Admin { get; } = EthKey.FromHex(DevAccounts[0].Key);
    public EthKey Alice { get; } = EthKey.FromHex(DevAccounts[1].Key);
    public EthKey Bob { get; } = EthKey.FromHex(DevAccounts[2].Key);
    public EthKey Mallory { get; } = EthKey.FromHex(DevAccounts[3].Key);

    public Address Erc20Implementation { get; private set; }
    public Address Erc721Implementation { get; private set; }
    public TokenizerFactoryContract Factory { get; private set; } = null!;

    public string AnvilPath => Path.Combine(RepoRoot, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
    public string CastPath => Path.Combine(RepoRoot, "node_modules/@foundry-rs/cast-linux-amd64/bin/cast");

    public async Task InitializeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAnvilAsync();
                break;
            }
            catch (Exception) when (attempt < 3)
            {
                // Most likely another process took the free port between probe and bind.
                Kill();
            }
        }
        try
        {
            Nonces = new NonceManager(Rpc, new InMemoryNonceStore());
            var admin = SenderFor(Admin);
            Erc20Implementation = (await admin.SendAndWaitAsync(TokenizerErc20Contract.DeployImplementation())).ContractAddress!.Value;
            Erc721Implementation = (await admin.SendAndWaitAsync(TokenizerErc721Contract.DeployImplementation())).ContractAddress!.Value;
            var factory = await admin.SendAndWaitAsync(TokenizerFactoryContract.Deployment(Erc20Implementation, Erc721Implementation, Admin.Address));
            Factory = new TokenizerFactoryContract(Rpc, factory.ContractAddress!.Value);
        }
        catch (Exception)
        {
            // xunit does not dispose a fixture whose initialisation failed.
            Kill();
            throw;
        }
    }

    private async Task StartAnvilAsync()
    {
        if (!File.Exists(AnvilPath)) throw new FileNotFoundException("anvil is not installed (npm ci at the repo root).", AnvilPath);
        var port = FreePort();
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-c", Watchdog, AnvilPath, "--host", "127.0.0.1", "--port", port.ToString(), "--chain-id", ChainId.ToString(), "--accounts", "4" })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start anvil.");
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        RpcUrl = $"http://127.0.0.1:{port}";
        _http?.Dispose();
        _http = new HttpClient { BaseAddress = new Uri(RpcUrl) };
        Rpc = new EthRpcClient(_http, new EthRpcClientOptions { DefaultTimeout = TimeSpan.FromSeconds(10) });
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"anvil exited: {AnvilOutput}");
            try
            {
                if (await Rpc.GetChainIdAsync() != ChainId) throw new InvalidOperationException("anvil is on the wrong chain.");
                break;
            }
            catch (RpcTransportException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
        // The dev keys must be the ones anvil prints (and funds).
        var deadlineOutput = DateTime.UtcNow.AddSeconds(5);
        while (!AnvilOutput.Contains("Listening on", StringComparison.Ordinal) && DateTime.UtcNow < deadlineOutput) await Task.Delay(50);
        foreach (var (key, address) in DevAccounts)
        {
            if (!AnvilOutput.Contains(key, StringComparison.Ordinal) || !AnvilOutput.Contains(address, StringComparison.Ordinal))
                throw new InvalidOperationException($"anvil's output does not list dev account {address}.");
            if (EthKey.FromHex(key).Address != Address.Parse(address))
                throw new InvalidOperationException($"Key for {address} derives another address.");
        }
    }

    public ContractTransactionSender SenderFor(EthKey key)
    {
        lock (_senders)
        {
            if (!_senders.TryGetValue(key.Address, out var sender))
                _senders[key.Address] = sender = new ContractTransactionSender(Rpc, Nonces, key, ChainId, new ContractTransactionSenderOptions
                {
                    ReceiptPollInterval = TimeSpan.FromMilliseconds(50),
                    ReceiptTimeout = TimeSpan.FromSeconds(30),
                });
            return sender;
        }
    }

    /// <summary>A fresh ERC20 from the factory with account 0 as admin.</summary>
    public async Task<TokenizerErc20Contract> NewErc20Async(bool permissionless = true, byte decimals = 6, string symbol = "TKN")
    {
        var salt = CommandIds.DeploySalt("tests", Guid.NewGuid().ToString());
        var receipt = await SenderFor(Admin).SendAndWaitAsync(Factory.DeployErc20(salt, "Test Token", symbol, decimals, permissionless, Admin.Address));
        return new TokenizerErc20Contract(Rpc, receipt.Single<TokenDeployedEvent>().Token);
    }

    /// <summary>A fresh ERC721 from the factory with account 0 as admin.</summary>
    public async Task<TokenizerErc721Contract> NewErc721Async(string baseUri = "https://host/tokenURI/", bool permissionless = true)
    {
        var salt = CommandIds.DeploySalt("tests", Guid.NewGuid().ToString());
        var receipt = await SenderFor(Admin).SendAndWaitAsync(Factory.DeployErc721(salt, "Test NFT", "NFT", baseUri, permissionless, Admin.Address));
        return new TokenizerErc721Contract(Rpc, receipt.Single<TokenDeployedEvent>().Token);
    }

    /// <summary>Runs cast (Foundry) and returns its trimmed stdout.</summary>
    public async Task<string> CastAsync(params string[] args)
    {
        var start = new ProcessStartInfo(CastPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"cast {string.Join(' ', args)} failed: {await stderr}");
        return (await stdout).Trim();
    }

    public Task DisposeAsync()
    {
        Kill();
        _http?.Dispose();
        return Task.CompletedTask;
    }

    private void Kill()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        _process = null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tokenizer.sln"))) return dir.FullName;
        throw new InvalidOperationException("Tokenizer.sln not found above the test binaries.");
    }
}

internal static class Reverts
{
    /// <summary>Asserts that <paramref name="act"/> throws the named contract error and returns the exception.</summary>
    public static async Task<ContractRevertException> ShouldRevertWith(this Func<Task> act, string errorName)
    {
        var thrown = await act.Should().ThrowAsync<ContractRevertException>();
        thrown.Which.ErrorName.Should().Be(errorName, thrown.Which.Message);
        return thrown.Which;
    }
}
