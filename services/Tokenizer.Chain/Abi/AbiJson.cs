using System.Text.Json;

namespace Tokenizer.Chain.Abi;

/// <summary>A function from a JSON ABI: its signature (inputs, selector), outputs and state mutability.</summary>
public sealed class AbiFunction
{
    internal AbiFunction(FunctionSignature signature, IReadOnlyList<AbiParameter> outputs, string stateMutability)
    {
        Signature = signature;
        Outputs = outputs;
        OutputTypes = outputs.Select(o => o.Type).ToArray();
        StateMutability = stateMutability;
    }

    public string Name => Signature.Name;
    public FunctionSignature Signature { get; }
    public IReadOnlyList<AbiParameter> Inputs => Signature.Parameters;
    public IReadOnlyList<AbiParameter> Outputs { get; }
    public IReadOnlyList<AbiType> OutputTypes { get; }

    /// <summary>"pure", "view", "nonpayable" or "payable".</summary>
    public string StateMutability { get; }

    public bool IsReadOnly => StateMutability is "view" or "pure";
    public byte[] Selector => Signature.Selector;

    /// <summary>selector ‖ abi.encode(args).</summary>
    public byte[] EncodeCall(params object?[] args) => Signature.EncodeCall(args);

    /// <summary>Strictly decodes eth_call return data.</summary>
    public object?[] DecodeOutput(ReadOnlySpan<byte> returnData) => Abi.Decode(OutputTypes, returnData);

    public override string ToString() => Signature.Signature;
}

/// <summary>A contract's JSON ABI (as emitted by solc): functions, events, errors and the constructor inputs.</summary>
public sealed class AbiContract
{
    private AbiContract(IReadOnlyList<AbiFunction> functions, IReadOnlyList<EventSignature> events, IReadOnlyList<FunctionSignature> errors, IReadOnlyList<AbiParameter> constructorInputs)
    {
        Functions = functions;
        Events = events;
        Errors = errors;
        ConstructorInputs = constructorInputs;
        ErrorDecoder = new ErrorDecoder(errors);
    }

    public IReadOnlyList<AbiFunction> Functions { get; }
    public IReadOnlyList<EventSignature> Events { get; }
    public IReadOnlyList<FunctionSignature> Errors { get; }
    public IReadOnlyList<AbiParameter> ConstructorInputs { get; }

    /// <summary>Decodes Error(string), Panic(uint256) and this contract's custom errors.</summary>
    public ErrorDecoder ErrorDecoder { get; }

    /// <summary>The single function with this name (overloads: pass the canonical signature instead).</summary>
    public AbiFunction GetFunction(string nameOrSignature)
    {
        var matches = Functions.Where(f => f.Signature.Signature == nameOrSignature || f.Name == nameOrSignature).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new KeyNotFoundException($"No function '{nameOrSignature}' in the ABI."),
            _ => matches.FirstOrDefault(f => f.Signature.Signature == nameOrSignature)
                 ?? throw new InvalidOperationException($"'{nameOrSignature}' is overloaded; use the full signature."),
        };
    }

    /// <summary>The event with this name or canonical signature.</summary>
    public EventSignature GetEvent(string nameOrSignature) =>
        Events.FirstOrDefault(e => e.Signature == nameOrSignature)
        ?? Events.SingleOrDefault(e => e.Name == nameOrSignature)
        ?? throw new KeyNotFoundException($"No event '{nameOrSignature}' in the ABI.");

    /// <summary>Encodes constructor arguments (append to the creation bytecode).</summary>
    public byte[] EncodeConstructor(params object?[] args) => Abi.Encode(ConstructorInputs.Select(p => p.Type).ToArray(), args);

    /// <summary>Parses a solc ABI JSON array (or an artifact object with an "abi" property).</summary>
    public static AbiContract Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("abi", out var abi))
        {
            root = abi;
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("A JSON ABI is an array of entries.");
        }

        var functions = new List<AbiFunction>();
        var events = new List<EventSignature>();
        var errors = new List<FunctionSignature>();
        IReadOnlyList<AbiParameter> constructorInputs = [];
        foreach (var entry in root.EnumerateArray())
        {
            var kind = entry.TryGetProperty("type", out var t) ? t.GetString() : "function";
            var name = entry.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
            var inputs = ReadParameters(entry, "inputs");
            switch (kind)
            {
                case "function":
                    var mutability = entry.TryGetProperty("stateMutability", out var m) ? m.GetString() ?? "nonpayable"
                        : entry.TryGetProperty("constant", out var c) && c.GetBoolean() ? "view" : "nonpayable";
                    functions.Add(new AbiFunction(FunctionSignature.Create(name, inputs), ReadParameters(entry, "outputs"), mutability));
                    break;
                case "event":
                    var anonymous = entry.TryGetProperty("anonymous", out var a) && a.GetBoolean();
                    events.Add(new EventSignature(name, inputs, anonymous));
                    break;
                case "error":
                    errors.Add(FunctionSignature.Create(name, inputs));
                    break;
                case "constructor":
                    constructorInputs = inputs;
                    break;
            }
        }
        return new AbiContract(functions, events, errors, constructorInputs);
    }

    private static List<AbiParameter> ReadParameters(JsonElement entry, string property)
    {
        var result = new List<AbiParameter>();
        if (!entry.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (var p in array.EnumerateArray())
        {
            result.Add(ReadParameter(p));
        }

        return result;
    }

    private static AbiParameter ReadParameter(JsonElement p)
    {
        var type = p.GetProperty("type").GetString() ?? throw new FormatException("A parameter has no type.");
        var name = p.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        var indexed = p.TryGetProperty("indexed", out var i) && i.GetBoolean();
        if (!type.StartsWith("tuple", StringComparison.Ordinal))
        {
            return new AbiParameter(AbiType.Parse(type), name, indexed);
        }

        var components = ReadParameters(p, "components");
        // "tuple[2][]" → "(c1,c2)[2][]"
        var tupleType = "(" + string.Join(",", components.Select(c => c.Type.Canonical)) + ")" + type["tuple".Length..];
        return new AbiParameter(AbiType.Parse(tupleType), name, indexed) { Components = components };
    }
}
