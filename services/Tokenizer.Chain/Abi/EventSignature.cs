using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;

namespace Tokenizer.Chain.Abi;

/// <summary>
/// An event: name, parameters with indexed flags, canonical signature and topic0. Decodes logs: indexed
/// static parameters come from topics; indexed dynamic ones (string, bytes, arrays, tuples) are stored by the EVM
/// only as keccak256 of their encoding, so they decode to that 32-byte hash.
/// </summary>
public sealed class EventSignature
{
    private readonly AbiType[] _dataTypes;

    /// <summary>Creates an event from its parts.</summary>
    public EventSignature(string name, IReadOnlyList<AbiParameter> parameters, bool anonymous = false)
    {
        Name = name;
        Parameters = parameters;
        Anonymous = anonymous;
        Signature = name + "(" + string.Join(",", parameters.Select(p => p.Type.Canonical)) + ")";
        Topic0 = Hash32.Wrap(Keccak256.HashUtf8(Signature));
        _dataTypes = parameters.Where(p => !p.Indexed).Select(p => p.Type).ToArray();
        var indexedCount = parameters.Count(p => p.Indexed);
        if (indexedCount > (anonymous ? 4 : 3))
        {
            throw new FormatException($"Too many indexed parameters in {Signature}.");
        }
    }

    public string Name { get; }
    public IReadOnlyList<AbiParameter> Parameters { get; }
    public bool Anonymous { get; }

    /// <summary>Canonical signature, e.g. "Transfer(address,address,uint256)".</summary>
    public string Signature { get; }

    /// <summary>keccak256(Signature), the first topic of a non-anonymous event.</summary>
    public Hash32 Topic0 { get; }

    /// <summary>Parses "Transfer(address indexed from, address indexed to, uint256 value)".</summary>
    public static EventSignature Parse(string signature, bool anonymous = false)
    {
        var (name, parameters) = SignatureParser.Parse(signature);
        return new EventSignature(name, parameters, anonymous);
    }

    /// <summary>True when the log's topic0 is this event (always false for anonymous events).</summary>
    public bool Matches(IReadOnlyList<Hash32> topics) => !Anonymous && topics.Count > 0 && topics[0] == Topic0;

    /// <summary>Decodes a log's topics and data into the parameters, in declaration order.</summary>
    public DecodedEvent Decode(IReadOnlyList<Hash32> topics, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var topicIndex = 0;
        if (!Anonymous)
        {
            if (topics.Count == 0 || topics[0] != Topic0)
            {
                throw new AbiException($"The log is not a {Signature} event.");
            }

            topicIndex = 1;
        }
        var expectedTopics = topicIndex + Parameters.Count(p => p.Indexed);
        if (topics.Count != expectedTopics)
        {
            throw new AbiException($"{Signature} expects {expectedTopics} topics, the log has {topics.Count}.");
        }

        var dataValues = Abi.Decode(_dataTypes, data);
        var values = new object?[Parameters.Count];
        var dataIndex = 0;
        for (var i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (!p.Indexed)
            {
                values[i] = dataValues[dataIndex++];
            }
            else if (IsHashedWhenIndexed(p.Type))
            {
                values[i] = topics[topicIndex++].ToArray();
            }
            else
            {
                values[i] = Abi.Decode([p.Type], topics[topicIndex++].AsSpan())[0];
            }
        }
        return new DecodedEvent(this, values);
    }

    /// <summary>True for types whose indexed topic is a hash of the value rather than the value.</summary>
    public static bool IsHashedWhenIndexed(AbiType type) => type.Kind is AbiKind.Bytes or AbiKind.String or AbiKind.Array or AbiKind.FixedArray or AbiKind.Tuple;

    public override string ToString() => Signature;
}

/// <summary>A decoded log: values in declaration order (indexed dynamic parameters as their 32-byte hash).</summary>
public sealed record DecodedEvent(EventSignature Event, object?[] Values)
{
    /// <summary>The value of the named parameter.</summary>
    public object? this[string name]
    {
        get
        {
            for (var i = 0; i < Event.Parameters.Count; i++)
            {
                if (Event.Parameters[i].Name == name)
                {
                    return Values[i];
                }
            }

            throw new KeyNotFoundException($"{Event.Signature} has no parameter '{name}'.");
        }
    }
}
