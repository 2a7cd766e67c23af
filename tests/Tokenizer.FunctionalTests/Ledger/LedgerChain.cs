using System.Numerics;
using System.Security.Cryptography;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Nonces;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.FunctionalTests.Infrastructure;
using Tokenizer.Messages.Monitor;

namespace Tokenizer.FunctionalTests.Ledger;

/// <summary>
/// Real chain activity on the platform's anvil for the ledger tests: tokens deployed through the platform factory by
/// the platform signer (as TokenAdmin does), mints and burns by the signer or by another minter, and the history
/// events the Monitor would publish for them, built from the receipts and blocks.
/// </summary>
public sealed class LedgerChain
{
    // anvil dev account 4 plays "another minter": granted MINTER_ROLE, it mints outside the platform.
    private const int OtherMinterKey = 4;

    private LedgerChain(PlatformChainAccess access, ulong chainId)
    {
        Access = access;
        Signer = new ContractTransactionSender(access.Rpc, new NonceManager(access.Rpc, new InMemoryNonceStore()), access.SignerKey, chainId);
        OtherMinter = new ContractTransactionSender(access.Rpc, new NonceManager(access.Rpc, new InMemoryNonceStore()), PlatformChainAccess.DevKey(OtherMinterKey), chainId);
    }

    public PlatformChainAccess Access { get; }
    public EthRpcClient Rpc => Access.Rpc;
    public ContractTransactionSender Signer { get; }
    public ContractTransactionSender OtherMinter { get; }

    public static async Task<LedgerChain> ConnectAsync(PlatformFixture platform)
    {
        var access = new PlatformChainAccess(platform);
        return new LedgerChain(access, await access.Rpc.GetChainIdAsync());
    }

    public async Task<TokenizerErc20Contract> DeployErc20Async(byte decimals = 18)
    {
        var factory = new TokenizerFactoryContract(Rpc, Access.Factory);
        var salt = new Hash32(RandomNumberGenerator.GetBytes(32));
        var receipt = await Signer.SendAndWaitAsync(factory.DeployErc20(salt, "Ledger Test", "LGT", decimals, true, Access.Signer));
        receipt.Receipt.Succeeded.Should().BeTrue();
        return new TokenizerErc20Contract(Rpc, receipt.Single<TokenDeployedEvent>().Token);
    }

    /// <summary>
    /// An ERC20 from a factory of "another minter"'s own (dev account 4 as its admin, so it mints and burns): the
    /// platform's Monitor watches only the platform's factory, so only the test's own feed speaks of this token, and a
    /// test of snapshot or batch order is not raced by the real feed.
    /// </summary>
    public async Task<TokenizerErc20Contract> DeployUnwatchedErc20Async()
    {
        var admin = PlatformChainAccess.DevKey(OtherMinterKey).Address;
        var addresses = await PlatformDeployment.EnsureDeployedAsync(OtherMinter, admin);
        var factory = new TokenizerFactoryContract(Rpc, addresses.Factory);
        var salt = new Hash32(RandomNumberGenerator.GetBytes(32));
        var receipt = await OtherMinter.SendAndWaitAsync(factory.DeployErc20(salt, "Ledger Unwatched", "LGU", 18, true, admin));
        receipt.Receipt.Succeeded.Should().BeTrue();
        return new TokenizerErc20Contract(Rpc, receipt.Single<TokenDeployedEvent>().Token);
    }

    public async Task<ContractReceipt> MintAsync(ContractTransactionSender sender, TokenizerErc20Contract token, Hash32 commandId, Address to, BigInteger amount)
    {
        var receipt = await sender.SendAndWaitAsync(token.Mint(commandId, to, amount));
        receipt.Receipt.Succeeded.Should().BeTrue();
        return receipt;
    }

    public Task<ContractReceipt> BurnAsync(TokenizerErc20Contract token, Hash32 commandId, Address from, BigInteger amount) =>
        BurnAsync(Signer, token, commandId, from, amount);

    public async Task<ContractReceipt> BurnAsync(ContractTransactionSender sender, TokenizerErc20Contract token, Hash32 commandId, Address from, BigInteger amount)
    {
        var receipt = await sender.SendAndWaitAsync(token.Burn(commandId, from, amount));
        receipt.Receipt.Succeeded.Should().BeTrue();
        return receipt;
    }

    public async Task GrantMinterAsync(TokenizerErc20Contract token, Address minter) =>
        (await Signer.SendAndWaitAsync(token.GrantRole(TokenizerRoles.Minter, minter))).Receipt.Succeeded.Should().BeTrue();

    /// <summary>The Minted/Burned events of a receipt as the Monitor publishes them once final.</summary>
    public async Task<IReadOnlyList<HistoryEvent>> HistoryEventsAsync(ContractReceipt receipt, byte decimals = 18)
    {
        var block = await Rpc.GetBlockByNumberAsync(BlockTag.Number(receipt.Receipt.BlockNumber)) ?? throw new InvalidOperationException("No block");
        var events = new List<HistoryEvent>();
        foreach (var e in receipt.Events)
        {
            var (kind, party, command, amount) = e switch
            {
                Erc20MintedEvent m => ("mint", m.To, m.CommandId, m.Amount),
                Erc20BurnedEvent b => ("burn", b.From, b.CommandId, b.Amount),
                _ => default,
            };
            if (kind is null)
            {
                continue;
            }
            events.Add(new HistoryEvent(kind, e.Contract.ToString(), "ERC20", decimals, party.ToString(), command.ToString(), amount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                null, receipt.Receipt.TransactionHash.ToString(), (long)receipt.Receipt.BlockNumber, receipt.Receipt.BlockHash.ToString(),
                (int)e.Log.LogIndex!.Value, block.Time));
        }
        return events;
    }

    /// <summary>keccak256(token ‖ owner): the documented ERC20 holding cid.</summary>
    public static string HoldingCid(Address token, Address owner)
    {
        var bytes = new byte[40];
        token.WriteTo(bytes.AsSpan(0, 20));
        owner.WriteTo(bytes.AsSpan(20, 20));
        return new Hash32(Keccak256.Hash(bytes)).ToString();
    }

    public static Hash32 RandomCommand() => new(RandomNumberGenerator.GetBytes(32));
}
