using System.Data.Common;
using Tokenizer.Chain.Primitives;

namespace Tokenizer.Monitor.Indexing;

/// <summary>
/// The strings of the addresses and hashes that one read of the index returns, each made once: a read repeats a few
/// holders, blocks and transactions across many rows, and an EIP-55 address costs a Keccak hash to print. The index
/// holds their bytes (migration 0004).
/// </summary>
public sealed class EventStrings
{
    private readonly Dictionary<Address, string> _addresses = [];
    private readonly Dictionary<Hash32, string> _hashes = [];

    public string Of(Address address) => _addresses.TryGetValue(address, out var s) ? s : _addresses[address] = address.ToString();

    public string Of(Hash32 hash) => _hashes.TryGetValue(hash, out var s) ? s : _hashes[hash] = hash.ToString();

    /// <summary>The EIP-55 address in a <c>bytea</c> column, or null for a null.</summary>
    public string? AddressAt(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Of(new Address(reader.GetFieldValue<byte[]>(ordinal)));

    /// <summary>The 0x-hex hash in a non-null <c>bytea</c> column.</summary>
    public string HashAt(DbDataReader reader, int ordinal) => Of(new Hash32(reader.GetFieldValue<byte[]>(ordinal)));
}

/// <summary>
/// The bytes of one range's addresses, each array made once, for the COPY: a backfill range repeats a few tokens and
/// holders across tens of thousands of rows.
/// </summary>
public sealed class AddressBytes
{
    private readonly Dictionary<Address, byte[]> _bytes = [];

    public byte[] Of(Address address) => _bytes.TryGetValue(address, out var b) ? b : _bytes[address] = address.ToBytes();
}
