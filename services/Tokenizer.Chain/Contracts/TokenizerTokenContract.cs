using System.Numerics;
using Tokenizer.Chain.Abi;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Chain.Contracts;

/// <summary>
/// What the ERC20 and ERC721 tokens share: roles, pause, transfer lock, freeze, allowlist and command ids.
/// Reads are eth_call at <c>block</c> (default latest) and throw <see cref="ContractRevertException"/> on a revert;
/// writes return a <see cref="ContractCall"/> and send nothing.
/// </summary>
public abstract class TokenizerTokenContract
{
    private protected TokenizerTokenContract(EthRpcClient rpc, Address address, ContractArtifact artifact)
    {
        Rpc = rpc ?? throw new ArgumentNullException(nameof(rpc));
        Address = address;
        Artifact = artifact;
    }

    public EthRpcClient Rpc { get; }
    public Address Address { get; }
    public ContractArtifact Artifact { get; }

    // ---- reads ----

    public async Task<string> NameAsync(BlockTag? block = null, CancellationToken ct = default) =>
        (string)(await ReadAsync("name", [], block, ct))[0]!;

    public async Task<string> SymbolAsync(BlockTag? block = null, CancellationToken ct = default) =>
        (string)(await ReadAsync("symbol", [], block, ct))[0]!;

    /// <summary>ERC20: total units; ERC721: number of existing tokens.</summary>
    public async Task<BigInteger> TotalSupplyAsync(BlockTag? block = null, CancellationToken ct = default) =>
        (BigInteger)(await ReadAsync("totalSupply", [], block, ct))[0]!;

    /// <summary>ERC20: units held; ERC721: number of tokens held.</summary>
    public async Task<BigInteger> BalanceOfAsync(Address account, BlockTag? block = null, CancellationToken ct = default) =>
        (BigInteger)(await ReadAsync("balanceOf", [account], block, ct))[0]!;

    public Task<bool> PausedAsync(BlockTag? block = null, CancellationToken ct = default) => BoolAsync("paused", [], block, ct);

    public Task<bool> TransfersLockedAsync(BlockTag? block = null, CancellationToken ct = default) => BoolAsync("transfersLocked", [], block, ct);

    /// <summary>False for a permissioned token: only allowlisted accounts may hold and move it.</summary>
    public Task<bool> PermissionlessAsync(BlockTag? block = null, CancellationToken ct = default) => BoolAsync("permissionless", [], block, ct);

    public Task<bool> IsFrozenAsync(Address account, BlockTag? block = null, CancellationToken ct = default) => BoolAsync("isFrozen", [account], block, ct);

    /// <summary>On the allowlist (only meaningful on a permissioned token).</summary>
    public Task<bool> IsApprovedAsync(Address account, BlockTag? block = null, CancellationToken ct = default) => BoolAsync("isApproved", [account], block, ct);

    /// <summary>The owner named at deploy, else the admin (informational; authority comes from roles).</summary>
    public async Task<Address> OwnerAsync(BlockTag? block = null, CancellationToken ct = default) =>
        (Address)(await ReadAsync("owner", [], block, ct))[0]!;

    /// <summary>True once a mint or burn with this command id has run.</summary>
    public Task<bool> CommandExecutedAsync(Hash32 commandId, BlockTag? block = null, CancellationToken ct = default) =>
        BoolAsync("commandExecuted", [commandId], block, ct);

    public Task<bool> HasRoleAsync(Hash32 role, Address account, BlockTag? block = null, CancellationToken ct = default) =>
        BoolAsync("hasRole", [role, account], block, ct);

    public async Task<Hash32> GetRoleAdminAsync(Hash32 role, BlockTag? block = null, CancellationToken ct = default) =>
        ContractValues.ToHash((await ReadAsync("getRoleAdmin", [role], block, ct))[0]);

    public Task<bool> SupportsInterfaceAsync(byte[] interfaceId, BlockTag? block = null, CancellationToken ct = default) =>
        BoolAsync("supportsInterface", [interfaceId], block, ct);

    // ---- writes ----

    /// <summary>PAUSER_ROLE. Halts transfers, mints and burns (EnforcedPause). Idempotent.</summary>
    public ContractCall Pause() => Write("pause");

    public ContractCall Unpause() => Write("unpause");

    /// <summary>CONTROLLER_ROLE. Blocks holder transfers (TransfersLocked); mint and burn still work.</summary>
    public ContractCall LockTransfers() => Write("lockTransfers");

    public ContractCall UnlockTransfers() => Write("unlockTransfers");

    /// <summary>CONTROLLER_ROLE. The account can neither send nor receive (admin burn from it still works).</summary>
    public ContractCall Freeze(Address account) => Write("freeze", account);

    public ContractCall Unfreeze(Address account) => Write("unfreeze", account);

    /// <summary>CONTROLLER_ROLE. Adds the account to the allowlist of a permissioned token.</summary>
    public ContractCall ApproveAccount(Address account) => Write("approveAccount", account);

    public ContractCall UnapproveAccount(Address account) => Write("unapproveAccount", account);

    /// <summary>DEFAULT_ADMIN_ROLE.</summary>
    public ContractCall GrantRole(Hash32 role, Address account) => Write("grantRole", role, account);

    public ContractCall RevokeRole(Hash32 role, Address account) => Write("revokeRole", role, account);

    /// <summary>The sender gives up its own role (<paramref name="callerConfirmation"/> must be the sender).</summary>
    public ContractCall RenounceRole(Hash32 role, Address callerConfirmation) => Write("renounceRole", role, callerConfirmation);

    // ---- plumbing ----

    private protected async Task<bool> BoolAsync(string function, object?[] args, BlockTag? block, CancellationToken ct) =>
        (bool)(await ReadAsync(function, args, block, ct))[0]!;

    private protected Task<object?[]> ReadAsync(string function, object?[] args, BlockTag? block, CancellationToken ct) =>
        ContractRpc.ReadAsync(Rpc, Address, Artifact, Artifact.Abi.GetFunction(function), args, block, ct);

    private protected ContractCall Write(string function, params object?[] args) =>
        ContractRpc.Write(Address, Artifact, Artifact.Abi.GetFunction(function), args);
}

internal static class ContractRpc
{
    internal static async Task<object?[]> ReadAsync(EthRpcClient rpc, Address address, ContractArtifact artifact, AbiFunction function,
        object?[] args, BlockTag? block, CancellationToken ct)
    {
        var request = new CallRequest { To = address, Data = function.EncodeCall(args) };
        byte[] result;
        try
        {
            result = await rpc.CallAsync(request, block ?? BlockTag.Latest, ct);
        }
        catch (RpcException e) when (ContractRevertException.TryFromRpc(e, RevertSource.Call, $"{artifact.Name}.{function.Signature}", address, out var revert))
        {
            throw revert!;
        }
        if (result.Length == 0 && function.OutputTypes.Count > 0)
        {
            throw new InvalidOperationException($"{artifact.Name}.{function.Signature} at {address} returned no data: is a {artifact.Name} deployed there?");
        }

        return function.DecodeOutput(result);
    }

    internal static ContractCall Write(Address address, ContractArtifact artifact, AbiFunction function, object?[] args) =>
        new(address, function.EncodeCall(args)) { Description = $"{artifact.Name}.{function.Signature}" };
}
