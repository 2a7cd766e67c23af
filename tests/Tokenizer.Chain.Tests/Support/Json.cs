using System.Numerics;
using System.Text.Json;
using Tokenizer.Chain.Abi;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;

namespace Tokenizer.Chain.Tests.Support;

/// <summary>Reads the ethers-generated vector files and turns their JSON values into ABI values.</summary>
public static class VectorFiles
{
    public static string CommittedDirectory => Path.Combine(AppContext.BaseDirectory, "vectors");

    /// <summary>The source folder (for running generate.mjs), found by walking up from the test binaries.</summary>
    public static string SourceDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tokenizer.Chain.Tests.csproj")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("Test project folder not found."), "vectors");
        }
    }

    public static JsonElement Load(string directory, string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, file)));
        return doc.RootElement.Clone();
    }

    public static object? ToAbiValue(AbiType type, JsonElement json) => type.Kind switch
    {
        AbiKind.UInt or AbiKind.Int => BigInteger.Parse(json.GetString()!, System.Globalization.CultureInfo.InvariantCulture),
        AbiKind.Address => Address.Parse(json.GetString()!),
        AbiKind.Bool => json.GetBoolean(),
        AbiKind.FixedBytes or AbiKind.Bytes => Hex.Decode(json.GetString()!),
        AbiKind.String => json.GetString(),
        AbiKind.Array or AbiKind.FixedArray => json.EnumerateArray().Select(e => ToAbiValue(type.Element!, e)).ToArray(),
        _ => json.EnumerateArray().Select((e, i) => ToAbiValue(type.Components[i], e)).ToArray(),
    };

    public static BigInteger Big(JsonElement e) => e.ValueKind == JsonValueKind.Number
        ? new BigInteger(e.GetDecimal())
        : BigInteger.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Deep equality for decoded ABI values (byte arrays and nested arrays compared by content).</summary>
public static class AbiValues
{
    public static bool DeepEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
        (object?[] x, object?[] y) => x.Length == y.Length && x.Zip(y).All(p => DeepEquals(p.First, p.Second)),
        _ => Equals(a, b),
    };

    public static string Show(object? v) => v switch
    {
        null => "null",
        byte[] b => Hex.Encode(b),
        object?[] xs => "[" + string.Join(",", xs.Select(Show)) + "]",
        _ => v.ToString() ?? "",
    };
}
