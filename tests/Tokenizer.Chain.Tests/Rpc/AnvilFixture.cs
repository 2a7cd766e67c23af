using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Chain.Tests.Rpc;

/// <summary>Starts a real anvil (chain id 31337) on a free port for the collection and kills it afterwards.</summary>
public sealed class AnvilFixture : IAsyncLifetime
{
    /// <summary>anvil's well-known dev account 0 (public test key, funded with 10,000 ETH).</summary>
    public static readonly EthKey Dev0 = EthKey.FromHex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

    private Process? _process;

    public Uri Endpoint { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public EthRpcClient Rpc { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var anvil = Path.Combine(RepoRoot(), "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
        if (!File.Exists(anvil)) throw new FileNotFoundException("anvil is missing: run `npm ci` at the repository root.", anvil);
        var port = FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _process = Process.Start(new ProcessStartInfo(anvil, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--chain-id", "31337", "--silent"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("anvil did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        Http = new HttpClient();
        Rpc = new EthRpcClient(Http, new EthRpcClientOptions { Endpoint = Endpoint, DefaultTimeout = TimeSpan.FromSeconds(20) });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await Rpc.WithTimeout(TimeSpan.FromSeconds(1)).GetChainIdAsync();
                return;
            }
            catch (RpcTransportException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public Task DisposeAsync()
    {
        Http?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5_000);
        }
        _process?.Dispose();
        return Task.CompletedTask;
    }

    public static Address RandomAddress() => new(Random.Shared.GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 20));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tokenizer.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("Repository root (Tokenizer.sln) not found.");
    }
}

[CollectionDefinition(Name)]
public sealed class AnvilCollection : ICollectionFixture<AnvilFixture>
{
    public const string Name = "anvil";
}
