using System.Numerics;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Nonces;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.FunctionalTests.Monitor;

/// <summary>
/// Writes to a platform's chain the way the platform would, but from the test: the platform signer deploys through
/// the factory and mints (salts scoped "monitor-tests"), anvil dev accounts move tokens as holders.
/// </summary>
public sealed class MonitorChain(EthRpcClient rpc, EthKey signer, Address factory)
{
    private readonly Dictionary<Address, ContractTransactionSender> _senders = [];

    public EthRpcClient Rpc => rpc;
    public Address Factory => factory;

    public async Task<ContractTransactionSender> SenderAsync(EthKey key)
    {
        if (!_senders.TryGetValue(key.Address, out var sender))
        {
            var chainId = await rpc.GetChainIdAsync();
            sender = new ContractTransactionSender(rpc, new NonceManager(rpc, new InMemoryNonceStore()), key, chainId);
            _senders[key.Address] = sender;
        }
        return sender;
    }

    public async Task<ContractReceipt> SendAsync(ContractCall call, EthKey? from = null) =>
        await (await SenderAsync(from ?? signer)).SendAndWaitAsync(call);

    public async Task<TokenizerErc20Contract> DeployErc20Async(byte decimals = 18, bool permissionless = true)
    {
        var contract = new TokenizerFactoryContract(rpc, factory);
        var receipt = await SendAsync(contract.DeployErc20(Salt(), "Monitor Test", "MON", decimals, permissionless, signer.Address));
        return new TokenizerErc20Contract(rpc, receipt.Single<TokenDeployedEvent>().Token);
    }

    public async Task<TokenizerErc721Contract> DeployErc721Async(bool permissionless = true)
    {
        var contract = new TokenizerFactoryContract(rpc, factory);
        var receipt = await SendAsync(contract.DeployErc721(Salt(), "Monitor Test NFT", "MONFT", "", permissionless, signer.Address));
        return new TokenizerErc721Contract(rpc, receipt.Single<TokenDeployedEvent>().Token);
    }

    public async Task<ContractReceipt> MintAsync(TokenizerErc20Contract token, Address to, BigInteger amount, string? commandId = null) =>
        await SendAsync(token.Mint(CommandIds.ForMintOrBurn(commandId ?? Guid.NewGuid().ToString()), to, amount));

    public async Task<IReadOnlyList<BigInteger>> MintAsync(TokenizerErc721Contract token, Address to, int count) =>
        (await SendAsync(token.Mint(CommandIds.ForMintOrBurn(Guid.NewGuid().ToString()), to, count))).Single<Erc721MintedEvent>().TokenIds.ToList();

    private static Hash32 Salt() => CommandIds.DeploySalt("monitor-tests", Guid.NewGuid().ToString());
}
