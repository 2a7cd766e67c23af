using System.Collections.Concurrent;
using System.Text.Json;
using Tokenizer.Chain.Abi;
using Tokenizer.Chain.Serialization;

namespace Tokenizer.Chain.Contracts;

/// <summary>A compiled contract from <c>contracts/artifacts</c>: its name, JSON ABI and creation bytecode.</summary>
public sealed class ContractArtifact
{
    internal ContractArtifact(string name, AbiContract abi, byte[] bytecode)
    {
        Name = name;
        Abi = abi;
        Bytecode = bytecode;
    }

    /// <summary>The Solidity contract name, e.g. "TokenizerERC20".</summary>
    public string Name { get; }

    public AbiContract Abi { get; }

    /// <summary>Creation bytecode (without constructor arguments). Do not modify.</summary>
    public byte[] Bytecode { get; }

    /// <summary>A contract-creation call: bytecode ‖ abi.encode(constructor arguments).</summary>
    public ContractCall Deploy(params object?[] constructorArguments)
    {
        var args = Abi.EncodeConstructor(constructorArguments);
        var data = new byte[Bytecode.Length + args.Length];
        Bytecode.CopyTo(data, 0);
        args.CopyTo(data, Bytecode.Length);
        return new ContractCall(null, data) { Description = $"deploy {Name}" };
    }

    public override string ToString() => Name;
}

/// <summary>
/// The three Tokenizer artifacts, embedded in this assembly from <c>contracts/artifacts/*.json</c> at build time, so
/// the bindings always match the bytecode the repository compiles (<c>node contracts/build.mjs --check</c>).
/// </summary>
public static class TokenizerArtifacts
{
    private static readonly ConcurrentDictionary<string, ContractArtifact> Cache = new();

    public static ContractArtifact Erc20 => Load("TokenizerERC20");
    public static ContractArtifact Erc721 => Load("TokenizerERC721");
    public static ContractArtifact Factory => Load("TokenizerFactory");

    /// <summary>All three, for decoders that must know every error and event.</summary>
    public static IReadOnlyList<ContractArtifact> All => [Erc20, Erc721, Factory];

    private static ContractArtifact Load(string name) => Cache.GetOrAdd(name, static n =>
    {
        var resource = $"Tokenizer.Chain.Contracts.Artifacts.{n}.json";
        using var stream = typeof(TokenizerArtifacts).Assembly.GetManifestResourceStream(resource)
                           ?? throw new InvalidOperationException($"Embedded artifact {resource} is missing.");
        using var reader = new StreamReader(stream);
        var json = reader.ReadToEnd();
        using var document = JsonDocument.Parse(json);
        var bytecode = document.RootElement.GetProperty("bytecode").GetString()
                       ?? throw new InvalidOperationException($"{n}.json has no bytecode.");
        return new ContractArtifact(n, AbiContract.Parse(json), Hex.Decode(bytecode.StartsWith("0x", StringComparison.Ordinal) ? bytecode : "0x" + bytecode));
    });
}
