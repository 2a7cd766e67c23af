using Tokenizer.Chain.Crypto;

namespace Tokenizer.Chain.Abi;

/// <summary>A function (or error) signature: name, input types, canonical text and 4-byte selector.</summary>
public sealed class FunctionSignature
{
    private FunctionSignature(string name, IReadOnlyList<AbiParameter> parameters)
    {
        Name = name;
        Parameters = parameters;
        Inputs = parameters.Select(p => p.Type).ToArray();
        Signature = name + "(" + string.Join(",", Inputs.Select(t => t.Canonical)) + ")";
        Selector = Keccak256.HashUtf8(Signature)[..4];
    }

    public string Name { get; }
    public IReadOnlyList<AbiParameter> Parameters { get; }
    public IReadOnlyList<AbiType> Inputs { get; }

    /// <summary>Canonical signature, e.g. "transfer(address,uint256)".</summary>
    public string Signature { get; }

    /// <summary>First 4 bytes of keccak256(Signature).</summary>
    public byte[] Selector { get; }

    /// <summary>Parses "transfer(address to, uint256 amount)" or the canonical form.</summary>
    public static FunctionSignature Parse(string signature)
    {
        var (name, parameters) = SignatureParser.Parse(signature);
        return new FunctionSignature(name, parameters);
    }

    internal static FunctionSignature Create(string name, IReadOnlyList<AbiParameter> parameters) => new(name, parameters);

    /// <summary>selector ‖ abi.encode(args).</summary>
    public byte[] EncodeCall(params object?[] args)
    {
        var encoded = Abi.Encode(Inputs, args);
        var output = new byte[4 + encoded.Length];
        Selector.CopyTo(output, 0);
        encoded.CopyTo(output, 4);
        return output;
    }

    /// <summary>Decodes call data (checking the selector) into the arguments.</summary>
    public object?[] DecodeCall(ReadOnlySpan<byte> callData)
    {
        if (callData.Length < 4 || !callData[..4].SequenceEqual(Selector))
        {
            throw new AbiException($"Call data does not start with the selector of {Signature}.");
        }

        return Abi.Decode(Inputs, callData[4..]);
    }

    public override string ToString() => Signature;
}
