using Tokenizer.Chain.Serialization;

namespace Tokenizer.Chain.Rpc;

/// <summary>A block selector: a number or one of the tags latest, pending, earliest, safe, finalized.</summary>
public readonly record struct BlockTag
{
    private readonly string? _value;

    private BlockTag(string value) => _value = value;

    public static BlockTag Latest => new("latest");
    public static BlockTag Pending => new("pending");
    public static BlockTag Earliest => new("earliest");
    public static BlockTag Safe => new("safe");
    public static BlockTag Finalized => new("finalized");

    /// <summary>A block number.</summary>
    public static BlockTag Number(ulong number) => new(Hex.EncodeQuantity(number));

    public static implicit operator BlockTag(ulong number) => Number(number);

    /// <summary>The JSON-RPC form ("latest" or a hex quantity).</summary>
    public override string ToString() => _value ?? "latest";
}
