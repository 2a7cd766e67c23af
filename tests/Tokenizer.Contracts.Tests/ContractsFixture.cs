using System.Diagnostics;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Nonces;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Contracts.Tests;

/// <summary>
/// The shared anvil with both implementations and the factory deployed from C#, the way the platform deploys them.
/// </summary>
public sealed class ContractsFixture : IAsyncLifetime
{
    public const ulong ChainId = AnvilFixture.ChainId;

    private readonly Dictionary<Address, ContractTransactionSender> _senders = new();

    public AnvilFixture Anvil { get; } = new();
    public string RpcUrl => Anvil.RpcUrl;
    public EthRpcClient Rpc => Anvil.Rpc;
    public NonceManager Nonces { get; private set; } = null!;

    /// <summary>Account 0: deploys everything, factory admin and admin of the test tokens.</summary>
    public EthKey Admin { get; } = AnvilFixture.DevKey(0);
    public EthKey Alice { get; } = AnvilFixture.DevKey(1);
    public EthKey Bob { get; } = AnvilFixture.DevKey(2);
    public EthKey Mallory { get; } = AnvilFixture.DevKey(3);

    public Address Erc20Implementation { get; private set; }
    public Address Erc721Implementation { get; private set; }
    public TokenizerFactoryContract Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Anvil.InitializeAsync();
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
            await Anvil.DisposeAsync();
            throw;
        }
    }

    public Task DisposeAsync() => Anvil.DisposeAsync();

    public ContractTransactionSender SenderFor(EthKey key)
    {
        lock (_senders)
        {
            if (!_senders.TryGetValue(key.Address, out var sender))
            {
                _senders[key.Address] = sender = new ContractTransactionSender(Rpc, Nonces, key, ChainId, new ContractTransactionSenderOptions
                {
                    ReceiptPollInterval = TimeSpan.FromMilliseconds(50),
                    ReceiptTimeout = TimeSpan.FromSeconds(30),
                });
            }

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
        var start = new ProcessStartInfo(AnvilFixture.CastPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cast {string.Join(' ', args)} failed: {await stderr}");
        }

        return (await stdout).Trim();
    }
}
