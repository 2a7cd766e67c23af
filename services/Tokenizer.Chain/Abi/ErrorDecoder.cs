using System.Numerics;

namespace Tokenizer.Chain.Abi;

/// <summary>A decoded revert: the error name, its canonical signature and the arguments.</summary>
public sealed record DecodedError(string Name, string Signature, object?[] Arguments)
{
    /// <summary>For Error(string): the reason string.</summary>
    public string? Reason => Signature == "Error(string)" ? Arguments[0] as string : null;

    /// <summary>For Panic(uint256): the panic code.</summary>
    public BigInteger? PanicCode => Signature == "Panic(uint256)" ? (BigInteger?)Arguments[0] : null;

    public override string ToString() => Reason is { } reason
        ? $"Error(\"{reason}\")"
        : PanicCode is { } code ? $"Panic(0x{code:x2}: {ErrorDecoder.DescribePanic(code)})"
        : $"{Name}({string.Join(", ", Arguments.Select(a => a is byte[] b ? Serialization.Hex.Encode(b) : a?.ToString()))})";
}

/// <summary>
/// Decodes revert data into Error(string), Panic(uint256) or one of the user errors it was given
/// ("InsufficientBalance(address,uint256,uint256)").
/// </summary>
public sealed class ErrorDecoder
{
    private static readonly FunctionSignature ErrorString = FunctionSignature.Parse("Error(string)");
    private static readonly FunctionSignature Panic = FunctionSignature.Parse("Panic(uint256)");
    private readonly Dictionary<uint, FunctionSignature> _errors = new();

    /// <summary>A decoder knowing only the built-in Error(string) and Panic(uint256).</summary>
    public static ErrorDecoder Default { get; } = new(Array.Empty<string>());

    /// <summary>Creates a decoder for the given user error signatures (plus the built-ins).</summary>
    public ErrorDecoder(IEnumerable<string> errorSignatures) : this(errorSignatures.Select(FunctionSignature.Parse))
    {
    }

    /// <summary>Creates a decoder for the given user errors (plus the built-ins).</summary>
    public ErrorDecoder(IEnumerable<FunctionSignature> errors)
    {
        Add(ErrorString);
        Add(Panic);
        foreach (var e in errors)
        {
            Add(e);
        }
    }

    private void Add(FunctionSignature error) =>
        _errors[System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(error.Selector)] = error;

    /// <summary>Decodes revert data; false when the selector is unknown or the arguments are malformed.</summary>
    public bool TryDecode(ReadOnlySpan<byte> revertData, out DecodedError? error)
    {
        error = null;
        if (revertData.Length < 4)
        {
            return false;
        }

        if (!_errors.TryGetValue(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(revertData), out var signature))
        {
            return false;
        }

        try
        {
            error = new DecodedError(signature.Name, signature.Signature, Abi.Decode(signature.Inputs, revertData[4..]));
            return true;
        }
        catch (AbiException)
        {
            return false;
        }
    }

    /// <summary>The meaning of a Solidity panic code.</summary>
    public static string DescribePanic(BigInteger code) => (int)(code > 0xff ? -1 : code) switch
    {
        0x00 => "generic compiler panic",
        0x01 => "assertion failed",
        0x11 => "arithmetic overflow or underflow",
        0x12 => "division or modulo by zero",
        0x21 => "invalid enum value",
        0x22 => "invalid storage byte array encoding",
        0x31 => "pop on empty array",
        0x32 => "array index out of bounds",
        0x41 => "out of memory",
        0x51 => "call to an uninitialised function pointer",
        _ => "unknown panic code",
    };
}
