using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Chain.Contracts;

/// <summary>
/// The platform's three contracts (both token implementations and the factory) deployed through the standard CREATE2
/// deployer (<see cref="Create2Deployer"/>, present on anvil and on most public chains), so their addresses follow from
/// the bytecode and the factory's admin alone: every service computes the same factory address, and a deploy
/// repeated after a crash lands on the same addresses or finds them taken.
/// </summary>
public static class PlatformDeployment
{
    /// <summary>The deterministic-deployment proxy (Arachnid): calldata is salt ‖ init code, it CREATE2s the init code.</summary>
    public static readonly Address Create2Deployer = Address.Parse("0x4e59b44847b379578588920cA78FbF26c0B4956C");

    /// <summary>Salt of every platform contract; a new release with new bytecode gets new addresses by itself.</summary>
    public static readonly Hash32 Salt = new(Keccak256.HashUtf8("tokenizer.platform.v1"));

    /// <summary>The addresses the three contracts get for a factory administered by <paramref name="admin"/>.</summary>
    public static PlatformAddresses Predict(Address admin)
    {
        var erc20 = Create2Address(TokenizerErc20Contract.DeployImplementation().Data);
        var erc721 = Create2Address(TokenizerErc721Contract.DeployImplementation().Data);
        var factory = Create2Address(TokenizerFactoryContract.Deployment(erc20, erc721, admin).Data);
        return new PlatformAddresses(erc20, erc721, factory);
    }

    /// <summary>
    /// Deploys whichever of the three contracts has no code yet, in order, and returns their addresses. Safe to run
    /// concurrently and repeatedly: a contract that appears meanwhile is taken as deployed.
    /// </summary>
    public static async Task<PlatformAddresses> EnsureDeployedAsync(ContractTransactionSender sender, Address admin, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var rpc = sender.Rpc;
        if ((await rpc.GetCodeAsync(Create2Deployer, BlockTag.Latest, ct)).Length == 0)
        {
            throw new InvalidOperationException(
                $"The chain has no CREATE2 deployer at {Create2Deployer}; deploy it (https://github.com/Arachnid/deterministic-deployment-proxy) or configure Chain:FactoryAddress.");
        }

        var addresses = Predict(admin);
        await EnsureAsync(sender, addresses.Erc20Implementation, TokenizerErc20Contract.DeployImplementation(), ct);
        await EnsureAsync(sender, addresses.Erc721Implementation, TokenizerErc721Contract.DeployImplementation(), ct);
        await EnsureAsync(sender, addresses.Factory, TokenizerFactoryContract.Deployment(addresses.Erc20Implementation, addresses.Erc721Implementation, admin), ct);
        return addresses;
    }

    private static async Task EnsureAsync(ContractTransactionSender sender, Address expected, ContractCall creation, CancellationToken ct)
    {
        if ((await sender.Rpc.GetCodeAsync(expected, BlockTag.Latest, ct)).Length > 0)
        {
            return;
        }

        var data = new byte[Hash32.Length + creation.Data.Length];
        Salt.AsSpan().CopyTo(data);
        creation.Data.CopyTo(data, Hash32.Length);
        try
        {
            await sender.SendAndWaitAsync(new ContractCall(Create2Deployer, data) { Description = creation.Description + " (CREATE2)" }, ct: ct);
        }
        catch (ContractRevertException)
        {
            // Another replica deployed it first: CREATE2 to a taken address reverts, and the contract is there.
            if ((await sender.Rpc.GetCodeAsync(expected, BlockTag.Latest, ct)).Length > 0)
            {
                return;
            }

            throw;
        }

        if ((await sender.Rpc.GetCodeAsync(expected, BlockTag.Latest, ct)).Length == 0)
        {
            throw new InvalidOperationException($"{creation.Description} through the CREATE2 deployer left no code at {expected}.");
        }
    }

    private static Address Create2Address(byte[] initCode)
    {
        Span<byte> preimage = stackalloc byte[1 + Address.Length + Hash32.Length + Keccak256.HashSize];
        preimage[0] = 0xff;
        Create2Deployer.WriteTo(preimage[1..]);
        Salt.AsSpan().CopyTo(preimage[(1 + Address.Length)..]);
        Keccak256.Hash(initCode, preimage[(1 + Address.Length + Hash32.Length)..]);
        var hash = Keccak256.Hash(preimage);
        return new Address(hash.AsSpan(12));
    }
}

/// <summary>Where the platform's contracts live.</summary>
public sealed record PlatformAddresses(Address Erc20Implementation, Address Erc721Implementation, Address Factory);
