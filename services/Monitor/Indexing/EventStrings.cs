using Tokenizer.Chain.Primitives;

namespace Tokenizer.Monitor.Indexing;

/// <summary>
/// The strings of one range's addresses and hashes, each made once: a backfill range repeats a few holders, blocks
/// and transactions across tens of thousands of events, and an EIP-55 address costs a Keccak hash to print.
/// </summary>
public sealed class EventStrings
{
    private readonly Dictionary<Address, string> _addresses = [];
    private readonly Dictionary<Hash32, string> _hashes = [];

    public string Of(Address address) => _addresses.TryGetValue(address, out var s) ? s : _addresses[address] = address.ToString();

    public string Of(Hash32 hash) => _hashes.TryGetValue(hash, out var s) ? s : _hashes[hash] = hash.ToString();
}
