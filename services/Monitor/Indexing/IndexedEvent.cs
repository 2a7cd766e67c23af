using System.Numerics;
using Tokenizer.Chain.Primitives;

namespace Tokenizer.Monitor.Indexing;

/// <summary>
/// One stored event of a platform token. <see cref="Amount"/> is the ERC20 value, the ERC721 token id of a transfer,
/// or the count of a mint/burn; <see cref="Flag"/> is a control's new value; addresses are EIP-55.
/// </summary>
public sealed record IndexedEvent(
    long BlockNumber, string BlockHash, int LogIndex, string TransactionHash, string Token, string Kind,
    string? From, string? To, BigInteger? Amount, IReadOnlyList<string>? TokenIds, string? CommandHash, bool? Flag);

/// <summary>Kinds of <see cref="IndexedEvent"/>.</summary>
public static class EventKinds
{
    public const string Transfer = "transfer";
    public const string Mint = "mint";
    public const string Burn = "burn";
    public const string Paused = "paused";
    public const string TransfersLocked = "transfers_locked";
    public const string Frozen = "frozen";
    public const string Approved = "approved";
}

/// <summary>
/// One decoded log as the store writes it (<see cref="IndexStore.WriteEvent"/>): addresses and hashes as values, not
/// strings, since the index holds their bytes. <see cref="TokenIds"/> is the comma-separated decimal ids of an ERC721
/// mint or burn.
/// </summary>
public readonly record struct EventRow(
    long BlockNumber, Hash32 BlockHash, int LogIndex, Hash32 TransactionHash, Address Token, string Kind,
    Address? From, Address? To, BigInteger? Amount, string? TokenIds, Hash32? CommandHash, bool? Flag);
