using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Chain.Transactions;
using Xunit;

namespace Tokenizer.Testing;

/// <summary>
/// One private anvil (chain 31337, loopback, free port) for a test collection. anvil runs under a small shell
/// watchdog that kills it when the test host dies, so a crashed or killed run leaves no orphan; DisposeAsync kills
/// both. Linked into the chain and the contract tests so that both start anvil the same way.
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
        ("0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a", "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"),
        ("0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba", "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"),
    ];

    /// <summary>Dev account 0 (a public test key, funded with 10,000 ETH like the others).</summary>
    public static readonly EthKey Dev0 = EthKey.FromHex(DevAccounts[0].Key);

    private const string Watchdog =
        "\"$0\" \"$@\" & child=$!; " +
        "while kill -0 $PPID 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.5; done; " +
        "kill $child 2>/dev/null; wait $child";

    private Process? _process;
    private readonly StringBuilder _output = new();
    private HttpClient? _http;

    public Uri Endpoint { get; private set; } = null!;
    public string RpcUrl => Endpoint.ToString().TrimEnd('/');
    public EthRpcClient Rpc { get; private set; } = null!;
    public string AnvilOutput { get { lock (_output) { return _output.ToString(); } } }

    public static string AnvilPath => Path.Combine(RepoPaths.Root, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
    public static string CastPath => Path.Combine(RepoPaths.Root, "node_modules/@foundry-rs/cast-linux-amd64/bin/cast");

    public static EthKey DevKey(int index) => EthKey.FromHex(DevAccounts[index].Key);

    public static Address RandomAddress() => new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));

    /// <summary>
    /// Waits for the receipt of every transaction, in any order. When transactions of one sender reach anvil out of
    /// nonce order while it mines, its pool can keep them "queued" although the chain has reached their nonces, and
    /// then none of them is ever mined (foundry-rs/foundry#10122; seen here on two busy cores, 25 of 50 transfers
    /// stuck). Sending one again is refused as already imported and dropping one by hash does not free it, so when
    /// no receipt has come for a while and a sender's next nonce is among the waiting transactions, that sender's
    /// pool entries are removed and its waiting transactions sent again in nonce order. A transaction behind a real
    /// nonce gap stays unmined: nothing is resent for a sender whose next nonce is not among the waiting ones.
    /// </summary>
    public async Task<TransactionReceipt[]> WaitForReceiptsAsync(IReadOnlyList<SignedTransaction> transactions, TimeSpan timeout)
    {
        var receipts = new TransactionReceipt?[transactions.Count];
        var deadline = DateTime.UtcNow + timeout;
        var lastProgress = DateTime.UtcNow;
        while (true)
        {
            var waiting = Enumerable.Range(0, transactions.Count).Where(i => receipts[i] is null).ToArray();
            if (waiting.Length == 0)
            {
                return receipts.Select(r => r!).ToArray();
            }

            var found = await Rpc.GetTransactionReceiptsAsync(waiting.Select(i => transactions[i].Hash).ToArray());
            for (var k = 0; k < waiting.Length; k++)
            {
                if (found[k] is { } receipt)
                {
                    receipts[waiting[k]] = receipt;
                    lastProgress = DateTime.UtcNow;
                }
            }

            if (receipts.All(r => r is not null))
            {
                continue;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{receipts.Count(r => r is null)} of {transactions.Count} transactions were not mined within {timeout}.");
            }

            if (DateTime.UtcNow - lastProgress > TimeSpan.FromSeconds(3))
            {
                foreach (var sender in waiting.Where(i => receipts[i] is null).Select(i => transactions[i]).GroupBy(t => t.From))
                {
                    var next = await Rpc.GetTransactionCountAsync(sender.Key, BlockTag.Latest);
                    if (sender.Any(t => t.Nonce == next))
                    {
                        await Rpc.RequestAsync("anvil_removePoolTransactions", [System.Text.Json.Nodes.JsonValue.Create(sender.Key.ToString())]);
                        foreach (var stuck in sender.Where(t => t.Nonce >= next).OrderBy(t => t.Nonce))
                        {
                            await Rpc.SendRawTransactionAsync(stuck);
                        }
                    }
                }

                lastProgress = DateTime.UtcNow;
            }

            await Task.Delay(100);
        }
    }

    public async Task InitializeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAsync();
                return;
            }
            catch (Exception) when (attempt < 3)
            {
                // Most likely another process took the free port between probe and bind.
                Kill();
            }
            catch (Exception)
            {
                // xunit does not dispose a fixture whose initialisation failed.
                Kill();
                throw;
            }
        }
    }

    private async Task StartAsync()
    {
        if (!File.Exists(AnvilPath))
        {
            throw new FileNotFoundException("anvil is not installed (npm ci at the repo root).", AnvilPath);
        }

        var port = FreePort();
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args = ["-c", Watchdog, AnvilPath, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--chain-id", ChainId.ToString(CultureInfo.InvariantCulture), "--accounts", DevAccounts.Length.ToString(CultureInfo.InvariantCulture)];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start anvil.");
        _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _http?.Dispose();
        _http = new HttpClient();
        Rpc = new EthRpcClient(_http, new EthRpcClientOptions { Endpoint = Endpoint, DefaultTimeout = TimeSpan.FromSeconds(20) });
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"anvil exited: {AnvilOutput}");
            }

            try
            {
                if (await Rpc.WithTimeout(TimeSpan.FromSeconds(1)).GetChainIdAsync() != ChainId)
                {
                    throw new InvalidOperationException("anvil is on the wrong chain.");
                }

                break;
            }
            catch (RpcTransportException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
        // The dev keys must be the ones anvil prints (and funds).
        var outputDeadline = DateTime.UtcNow.AddSeconds(5);
        while (!AnvilOutput.Contains("Listening on", StringComparison.Ordinal) && DateTime.UtcNow < outputDeadline)
        {
            await Task.Delay(50);
        }

        foreach (var (key, address) in DevAccounts)
        {
            if (!AnvilOutput.Contains(key, StringComparison.Ordinal) || !AnvilOutput.Contains(address, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"anvil's output does not list dev account {address}.");
            }

            if (EthKey.FromHex(key).Address != Address.Parse(address))
            {
                throw new InvalidOperationException($"Key for {address} derives another address.");
            }
        }
    }

    public Task DisposeAsync()
    {
        Kill();
        _http?.Dispose();
        return Task.CompletedTask;
    }

    private void Kill()
    {
        if (_process is null)
        {
            return;
        }

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
}
