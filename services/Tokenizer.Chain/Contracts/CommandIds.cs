using Tokenizer.Chain.Abi;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;

namespace Tokenizer.Chain.Contracts;

/// <summary>
/// Turns the platform's command ids (client-chosen strings) into the 32-byte values the contracts key on.
/// <list type="bullet">
/// <item>Mint/burn command id = keccak256(UTF-8 bytes of the command id), e.g. <c>cast keccak "cmd-42"</c>. The contract's
/// id space is per token, so the same string on two tokens is two commands.</item>
/// <item>Deploy salt = keccak256(abi.encode(string "tokenizer.deploy.v1", string scope, string commandId)), e.g.
/// <c>cast keccak $(cast abi-encode "f(string,string,string)" tokenizer.deploy.v1 client-7 cmd-42)</c>. The factory's
/// salt space is global, so the scope (the owning client id) keeps two clients' equal command ids apart;
/// abi.encode makes the concatenation unambiguous.</item>
/// </list>
/// Neither can be <c>bytes32(0)</c> in practice (a keccak preimage would be needed), which the contracts refuse.
/// </summary>
public static class CommandIds
{
    private const string DeployDomain = "tokenizer.deploy.v1";
    private static readonly AbiType[] SaltTypes = [AbiType.Parse("string"), AbiType.Parse("string"), AbiType.Parse("string")];

    /// <summary>keccak256(UTF-8(<paramref name="commandId"/>)): the <c>commandId</c> of mint and burn.</summary>
    public static Hash32 ForMintOrBurn(string commandId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commandId);
        return Hash32.Wrap(Keccak256.HashUtf8(commandId));
    }

    /// <summary>The CREATE2 salt for a factory deploy requested by <paramref name="scope"/> (the client) with <paramref name="commandId"/>.</summary>
    public static Hash32 DeploySalt(string scope, string commandId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        ArgumentException.ThrowIfNullOrWhiteSpace(commandId);
        return Hash32.Wrap(Keccak256.Hash(Abi.Abi.Encode(SaltTypes, [DeployDomain, scope, commandId])));
    }
}

/// <summary>The AccessControl role ids of the Tokenizer contracts (keccak256 of the role name; admin is zero).</summary>
public static class TokenizerRoles
{
    /// <summary>Grants and revokes every role.</summary>
    public static Hash32 DefaultAdmin { get; } = Hash32.Zero;

    /// <summary>Token: mint and (admin) burn.</summary>
    public static Hash32 Minter { get; } = Hash32.Wrap(Keccak256.HashUtf8("MINTER_ROLE"));

    /// <summary>Token: pause and unpause.</summary>
    public static Hash32 Pauser { get; } = Hash32.Wrap(Keccak256.HashUtf8("PAUSER_ROLE"));

    /// <summary>Token: transfer lock, freeze, allowlist, metadata, base URI.</summary>
    public static Hash32 Controller { get; } = Hash32.Wrap(Keccak256.HashUtf8("CONTROLLER_ROLE"));

    /// <summary>Factory: deploy tokens.</summary>
    public static Hash32 Deployer { get; } = Hash32.Wrap(Keccak256.HashUtf8("DEPLOYER_ROLE"));
}
