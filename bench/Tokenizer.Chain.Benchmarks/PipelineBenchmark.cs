using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.RPC.TransactionReceipts;
using Nethereum.Signer;
using Nethereum.Web3;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Nonces;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Chain.Transactions;
using Transaction1559 = Nethereum.Model.Transaction1559;

namespace Tokenizer.Chain.Benchmarks;

/// <summary>
/// Pipelined ERC-20 transfers to a live anvil, timed from the first signature to the last receipt: the transactions
/// are sent in nonce order with up to 16 requests unanswered, none waiting for the one before to be mined, then all
/// receipts are awaited. Three ways:
/// our durable sender (pre-flight estimate, fee lookup, stored before broadcast), our client signing offline and
/// sending raw, and Nethereum signing offline and sending raw. Each way uses its own funded holder.
/// </summary>
public static class PipelineBenchmark
{
    // anvil's public dev keys (mnemonic "test test ... junk").
    private static readonly string[] DevKeys =
    [
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    ];

    private const ulong GasLimit = 100_000;
    private const int Window = 16;
    private static readonly TimeSpan ReceiptTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    public static async Task RunAsync(Uri endpoint, int transfers, int rounds)
    {
        using var http = new HttpClient();
        var rpc = new EthRpcClient(http, new EthRpcClientOptions { Endpoint = endpoint });
        var chainId = await rpc.GetChainIdAsync();
        var options = new ContractTransactionSenderOptions { ReceiptPollInterval = PollInterval, ReceiptTimeout = ReceiptTimeout };
        var admin = EthKey.FromHex(DevKeys[0]);
        var platform = new ContractTransactionSender(rpc, new NonceManager(rpc, new InMemoryNonceStore()), admin, chainId, options);

        // Deployed as the platform deploys: implementations, factory, then a clone.
        var erc20 = (await platform.SendAndWaitAsync(TokenizerErc20Contract.DeployImplementation())).ContractAddress!.Value;
        var erc721 = (await platform.SendAndWaitAsync(TokenizerErc721Contract.DeployImplementation())).ContractAddress!.Value;
        var factoryAddress = (await platform.SendAndWaitAsync(TokenizerFactoryContract.Deployment(erc20, erc721, admin.Address))).ContractAddress!.Value;
        var factory = new TokenizerFactoryContract(rpc, factoryAddress);
        var deployed = await platform.SendAndWaitAsync(factory.DeployErc20(CommandIds.DeploySalt("bench", Guid.NewGuid().ToString()), "Bench", "BNC", 0, true, admin.Address));
        var token = new TokenizerErc20Contract(rpc, deployed.Single<TokenDeployedEvent>().Token);

        var durable = EthKey.FromHex(DevKeys[1]);
        var raw = EthKey.FromHex(DevKeys[2]);
        var nethereum = DevKeys[3];
        foreach (var holder in new[] { durable.Address, raw.Address, EthKey.FromHex(nethereum).Address })
        {
            await platform.SendAndWaitAsync(token.Mint(CommandIds.ForMintOrBurn(Guid.NewGuid().ToString()), holder, 1_000_000_000));
        }

        var durableSender = new ContractTransactionSender(rpc, new NonceManager(rpc, new InMemoryNonceStore()), durable, chainId, options);
        var web3 = new Web3(endpoint.ToString());
        var ways = new (string Name, Func<int, Address, Task> Run)[]
        {
            ("PipelineDurableSender", (n, to) => ViaDurableSenderAsync(durableSender, token, to, n)),
            ("PipelineOursRaw", (n, to) => OursRawAsync(rpc, token, raw, chainId, to, n)),
            ("PipelineNethereumRaw", (n, to) => NethereumRawAsync(web3, token.Address, nethereum, chainId, to, n)),
        };

        var results = ways.ToDictionary(w => w.Name, _ => new List<double>());
        for (var round = 0; round <= rounds; round++)
        {
            var n = round == 0 ? Math.Min(50, transfers) : transfers; // round 0 warms up (JIT, connections) and is not counted
            for (var k = 0; k < ways.Length; k++)
            {
                var (name, run) = ways[(k + round) % ways.Length]; // rotate the order so that no way always goes first
                var recipient = new Address(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
                var watch = Stopwatch.StartNew();
                await run(n, recipient);
                watch.Stop();
                var received = await token.BalanceOfAsync(recipient);
                if (received != n)
                {
                    throw new InvalidOperationException($"{name}: the recipient got {received}, expected {n}.");
                }

                if (round > 0)
                {
                    results[name].Add(n / watch.Elapsed.TotalSeconds);
                }
            }
        }

        foreach (var (name, rates) in results)
        {
            var sorted = rates.Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT\t{name}\t{sorted[sorted.Length / 2]:F0}\t{sorted[0]:F0}-{sorted[^1]:F0}\t{transfers}"));
        }
    }

    private static async Task ViaDurableSenderAsync(ContractTransactionSender sender, TokenizerErc20Contract token, Address to, int n)
    {
        var sent = await PipelinedAsync(Enumerable.Range(0, n).ToArray(), _ => sender.SendAsync(token.Transfer(to, 1)));
        var receipts = await Task.WhenAll(sent.Select(s => sender.WaitForReceiptAsync(s)));
        if (receipts.Any(r => !r.Receipt.Succeeded))
        {
            throw new InvalidOperationException("A durable-sender transfer failed.");
        }
    }

    private static async Task OursRawAsync(EthRpcClient rpc, TokenizerErc20Contract token, EthKey key, ulong chainId, Address to, int n)
    {
        var nonce = await rpc.GetTransactionCountAsync(key.Address, BlockTag.Pending);
        var (tip, maxFee) = await FeesAsync(rpc);
        var signed = new SignedTransaction[n];
        for (var i = 0; i < n; i++)
        {
            var call = token.Transfer(to, 1);
            signed[i] = new Eip1559Transaction
            {
                ChainId = chainId,
                Nonce = nonce + (ulong)i,
                MaxPriorityFeePerGas = tip,
                MaxFeePerGas = maxFee,
                GasLimit = GasLimit,
                To = call.To,
                Data = call.Data,
            }.Sign(key);
        }
        await PipelinedAsync(signed, s => rpc.SendRawTransactionAsync(s));
        var receipts = await Task.WhenAll(signed.Select(s => rpc.WaitForReceiptAsync(s.Hash, ReceiptTimeout, PollInterval)));
        if (receipts.Any(r => r is not { Succeeded: true }))
        {
            throw new InvalidOperationException("A raw transfer failed.");
        }
    }

    private static async Task NethereumRawAsync(Web3 web3, Address token, string privateKey, ulong chainId, Address to, int n)
    {
        var key = new EthECKey(privateKey);
        var signer = new Transaction1559Signer();
        var polling = new TransactionReceiptPollingService(web3.TransactionManager, (int)PollInterval.TotalMilliseconds);
        var nonce = (await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(key.GetPublicAddress(), BlockParameter.CreatePending())).Value;
        var block = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest());
        var tip = new BigInteger(1_000_000_000);
        var maxFee = block.BaseFeePerGas.Value * 2 + tip;
        var raw = new string[n];
        for (var i = 0; i < n; i++)
        {
            var data = new NethereumTransferFunction { To = to.ToString(), Value = 1 }.GetCallData().ToHex(true);
            raw[i] = "0x" + signer.SignTransaction(key, new Transaction1559(chainId, nonce + i, tip, maxFee, GasLimit, token.ToString(), 0, data, []));
        }
        var hashes = await PipelinedAsync(raw, r => web3.Eth.Transactions.SendRawTransaction.SendRequestAsync(r));
        var receipts = await Task.WhenAll(hashes.Select(h => polling.PollForReceiptAsync(h)));
        if (receipts.Any(r => r.Status.Value != 1))
        {
            throw new InvalidOperationException("A Nethereum transfer failed.");
        }
    }

    /// <summary>Starts the sends in order with at most <see cref="Window"/> unanswered at a time.</summary>
    private static async Task<TResult[]> PipelinedAsync<T, TResult>(IReadOnlyList<T> items, Func<T, Task<TResult>> send)
    {
        using var window = new SemaphoreSlim(Window);
        var tasks = new Task<TResult>[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            await window.WaitAsync();
            var item = items[i];
            tasks[i] = Task.Run(async () =>
            {
                try
                { return await send(item); }
                finally { window.Release(); }
            });
        }
        return await Task.WhenAll(tasks);
    }

    private static async Task<(BigInteger Tip, BigInteger MaxFee)> FeesAsync(EthRpcClient rpc)
    {
        var latest = await rpc.GetBlockByNumberAsync(BlockTag.Latest) ?? throw new InvalidOperationException("No latest block.");
        var tip = new BigInteger(1_000_000_000);
        return (tip, latest.BaseFeePerGas!.Value * 2 + tip);
    }
}
