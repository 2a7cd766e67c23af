using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Nethereum.ABI;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.Model;
using Tokenizer.Chain.Abi;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;

namespace Tokenizer.Chain.Tests.Support;

/// <summary>
/// Translates between the vector files, Nethereum's ABI model and our value shapes, so that Nethereum encodes and
/// decodes the same types and values ethers did and its results compare with <see cref="AbiValues.DeepEquals"/>.
/// </summary>
public static class NethereumAbi
{
    /// <summary>Nethereum parameters for a type list, tuples given their components the way its JSON ABI loader does.</summary>
    public static Parameter[] Parameters(IReadOnlyList<AbiType> types) => types.Select((t, i) => Parameter(t, i + 1)).ToArray();

    private static Parameter Parameter(AbiType type, int order)
    {
        var (name, components) = Shape(type);
        var parameter = new Parameter(name, "p" + order.ToString(CultureInfo.InvariantCulture), order);
        if (components is null)
        {
            return parameter;
        }

        var abiType = parameter.ABIType;
        while (abiType is ArrayType array)
        {
            abiType = array.ElementType;
        }

        ((TupleType)abiType).SetComponents(components);
        return parameter;
    }

    private static (string Name, Parameter[]? Components) Shape(AbiType type)
    {
        switch (type.Kind)
        {
            case AbiKind.Tuple:
                return ("tuple", Parameters(type.Components));
            case AbiKind.Array:
                {
                    var (name, components) = Shape(type.Element!);
                    return (name + "[]", components);
                }
            case AbiKind.FixedArray:
                {
                    var (name, components) = Shape(type.Element!);
                    return (name + "[" + type.Length.ToString(CultureInfo.InvariantCulture) + "]", components);
                }
            default:
                return (type.Canonical, null);
        }
    }

    /// <summary>A vector's JSON value as Nethereum takes it: addresses as hex strings, arrays and tuples as object[].</summary>
    public static object? Value(AbiType type, JsonElement json) => type.Kind switch
    {
        AbiKind.UInt or AbiKind.Int => BigInteger.Parse(json.GetString()!, CultureInfo.InvariantCulture),
        AbiKind.Address => json.GetString(),
        AbiKind.Bool => json.GetBoolean(),
        AbiKind.FixedBytes or AbiKind.Bytes => Hex.Decode(json.GetString()!),
        AbiKind.String => json.GetString(),
        AbiKind.Array or AbiKind.FixedArray => json.EnumerateArray().Select(e => Value(type.Element!, e)).ToArray(),
        _ => json.EnumerateArray().Select((e, i) => Value(type.Components[i], e)).ToArray(),
    };

    /// <summary>Nethereum's default decoding (List&lt;ParameterOutput&gt; for tuples, List&lt;T&gt; for arrays) in our shapes.</summary>
    public static object? FromDecoded(AbiType type, object? value) => type.Kind switch
    {
        AbiKind.UInt or AbiKind.Int => value is BigInteger b ? b : new BigInteger(Convert.ToDecimal(value, CultureInfo.InvariantCulture)),
        AbiKind.Address => Address.Parse((string)value!),
        AbiKind.Bool => (bool)value!,
        AbiKind.FixedBytes or AbiKind.Bytes => (byte[])value!,
        AbiKind.String => (string)value!,
        AbiKind.Array or AbiKind.FixedArray => ((IEnumerable)value!).Cast<object?>().Select(v => FromDecoded(type.Element!, v)).ToArray(),
        _ => ((IEnumerable<ParameterOutput>)value!).Select((p, i) => FromDecoded(type.Components[i], p.Result)).ToArray(),
    };

    public static byte[] Encode(IReadOnlyList<AbiType> types, object?[] values) => new ParametersEncoder().EncodeParameters(Parameters(types), values);

    public static object?[] Decode(IReadOnlyList<AbiType> types, byte[] data) =>
        new ParameterDecoder().DecodeDefaultData(data, Parameters(types)).Select((o, i) => FromDecoded(types[i], o.Result)).ToArray();
}
