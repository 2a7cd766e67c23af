using System.Numerics;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Chain.Contracts;

/// <summary>Typed binding of a deployed <c>TokenizerERC20</c> (a factory clone).</summary>
public sealed class TokenizerErc20Contract(EthRpcClient rpc, Address address)
    : TokenizerTokenContract(rpc, address, TokenizerArtifacts.Erc20)
{
    /// <summary>A creation call for the implementation contract (the factory's clone target).</summary>
    public static ContractCall DeployImplementation() => TokenizerArtifacts.Erc20.Deploy();

    // ---- reads ----

    public async Task<byte> DecimalsAsync(BlockTag? block = null, CancellationToken ct = default) =>
        (byte)(BigInteger)(await ReadAsync("decimals", [], block, ct))[0]!;

    public async Task<BigInteger> AllowanceAsync(Address owner, Address spender, BlockTag? block = null, CancellationToken ct = default) =>
        (BigInteger)(await ReadAsync("allowance", [owner, spender], block, ct))[0]!;

    /// <summary>The token's metadata (<see cref="TokenMetadata.Empty"/> when none was set).</summary>
    public async Task<TokenMetadata> GetMetadataAsync(BlockTag? block = null, CancellationToken ct = default) =>
        TokenMetadata.FromAbiOutputs(await ReadAsync("getMetadata", [], block, ct));

    public Task<bool> HasMetadataAsync(BlockTag? block = null, CancellationToken ct = default) => BoolAsync("hasMetadata", [], block, ct);

    public async Task<IReadOnlyList<string>> MetadataKeysAsync(BlockTag? block = null, CancellationToken ct = default) =>
        ((object?[])(await ReadAsync("metadataKeys", [], block, ct))[0]!).Cast<string>().ToArray();

    // ---- writes ----

    /// <summary>MINTER_ROLE. Mints exactly once per <paramref name="commandId"/> (see <see cref="CommandIds.ForMintOrBurn"/>).</summary>
    public ContractCall Mint(Hash32 commandId, Address to, BigInteger amount) => Write("mint", commandId, to, amount);

    /// <summary>MINTER_ROLE. Admin burn from any holder (allowed while frozen or not approved), exactly once per command id.</summary>
    public ContractCall Burn(Hash32 commandId, Address from, BigInteger amount) => Write("burn", commandId, from, amount);

    /// <summary>Holder transfer (sent by the holder).</summary>
    public ContractCall Transfer(Address to, BigInteger amount) => Write("transfer", to, amount);

    public ContractCall TransferFrom(Address from, Address to, BigInteger amount) => Write("transferFrom", from, to, amount);

    /// <summary>ERC20 allowance (not the allowlist: that is <see cref="TokenizerTokenContract.ApproveAccount"/>).</summary>
    public ContractCall Approve(Address spender, BigInteger amount) => Write("approve", spender, amount);

    /// <summary>CONTROLLER_ROLE. Replaces the whole metadata record; emits MetadataUpdated.</summary>
    public ContractCall SetMetadata(TokenMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return Write("setMetadata", metadata.ToAbiArguments());
    }
}
