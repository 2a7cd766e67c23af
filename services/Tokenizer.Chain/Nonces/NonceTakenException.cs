using Tokenizer.Chain.Primitives;

namespace Tokenizer.Chain.Nonces;

/// <summary>
/// The store already holds a different transaction for this (sender, nonce): another process signing for the same
/// address took the nonce first. Nothing was broadcast; the nonce manager re-reads the next nonce and signs again.
/// </summary>
public sealed class NonceTakenException(Address from, ulong nonce, string? existingHash)
    : Exception($"Nonce {nonce} of {from} already has transaction {existingHash}.")
{
    public Address From { get; } = from;

    public ulong Nonce { get; } = nonce;
}
