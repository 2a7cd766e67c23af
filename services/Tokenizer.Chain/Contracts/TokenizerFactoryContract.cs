using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Chain.Contracts;

/// <summary>
/// Typed binding of the deployed <c>TokenizerFactory</c>: deploys tokens as CREATE2 clones at addresses known ahead
/// from the salt (see <see cref="CommandIds.DeploySalt"/>); a used salt reverts <c>TokenAlreadyDeployed(token)</c>.
/// </summary>
public sealed class TokenizerFactoryContract
{
    public TokenizerFactoryContract(EthRpcClient rpc, Address address)
    {
        Rpc = rpc ?? throw new ArgumentNullException(nameof(rpc));
        Address = address;
    }

    public EthRpcClient Rpc { get; }
    public Address Address { get; }
    public static ContractArtifact Artifact => TokenizerArtifacts.Factory;

    /// <summary>A creation call for the factory; <paramref name="admin"/> gets DEFAULT_ADMIN_ROLE and DEPLOYER_ROLE.</summary>
    public static ContractCall Deployment(Address erc20Implementation, Address erc721Implementation, Address admin) =>
        Artifact.Deploy(erc20Implementation, erc721Implementation, admin);

    // ---- reads ----

    public Task<Address> PredictErc20AddressAsync(Hash32 salt, BlockTag? block = null, CancellationToken ct = default) =>
        AddressAsync("predictERC20Address", [salt], block, ct);

    public Task<Address> PredictErc721AddressAsync(Hash32 salt, BlockTag? block = null, CancellationToken ct = default) =>
        AddressAsync("predictERC721Address", [salt], block, ct);

    /// <summary>The address a deploy of <paramref name="kind"/> with <paramref name="salt"/> gets (or got).</summary>
    public Task<Address> PredictAddressAsync(TokenKind kind, Hash32 salt, BlockTag? block = null, CancellationToken ct = default) =>
        kind == TokenKind.Erc20 ? PredictErc20AddressAsync(salt, block, ct) : PredictErc721AddressAsync(salt, block, ct);

    public Task<Address> Erc20ImplementationAsync(BlockTag? block = null, CancellationToken ct = default) =>
        AddressAsync("erc20Implementation", [], block, ct);

    public Task<Address> Erc721ImplementationAsync(BlockTag? block = null, CancellationToken ct = default) =>
        AddressAsync("erc721Implementation", [], block, ct);

    public async Task<bool> HasRoleAsync(Hash32 role, Address account, BlockTag? block = null, CancellationToken ct = default) =>
        (bool)(await ReadAsync("hasRole", [role, account], block, ct))[0]!;

    // ---- writes ----

    /// <summary>
    /// DEPLOYER_ROLE. Decimals 0–18 (InvalidDecimals); <paramref name="admin"/> gets every token role;
    /// <paramref name="owner"/> is what the token's <c>owner()</c> reports (none: the admin) and takes no role.
    /// </summary>
    public ContractCall DeployErc20(Hash32 salt, string name, string symbol, byte decimals, bool permissionless, Address admin, Address? owner = null) =>
        Write("deployERC20", salt, name, symbol, decimals, permissionless, admin, owner ?? Address.Zero);

    /// <summary>
    /// DEPLOYER_ROLE. Base URI at most 256 bytes (BaseURITooLong); <paramref name="admin"/> gets every token role;
    /// <paramref name="owner"/> is what the token's <c>owner()</c> reports (none: the admin) and takes no role.
    /// </summary>
    public ContractCall DeployErc721(Hash32 salt, string name, string symbol, string baseUri, bool permissionless, Address admin, Address? owner = null) =>
        Write("deployERC721", salt, name, symbol, baseUri, permissionless, admin, owner ?? Address.Zero);

    public ContractCall GrantRole(Hash32 role, Address account) => Write("grantRole", role, account);

    public ContractCall RevokeRole(Hash32 role, Address account) => Write("revokeRole", role, account);

    private async Task<Address> AddressAsync(string function, object?[] args, BlockTag? block, CancellationToken ct) =>
        (Address)(await ReadAsync(function, args, block, ct))[0]!;

    private Task<object?[]> ReadAsync(string function, object?[] args, BlockTag? block, CancellationToken ct) =>
        ContractRpc.ReadAsync(Rpc, Address, Artifact, Artifact.Abi.GetFunction(function), args, block, ct);

    private ContractCall Write(string function, params object?[] args) =>
        ContractRpc.Write(Address, Artifact, Artifact.Abi.GetFunction(function), args);
}
