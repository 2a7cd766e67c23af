namespace Tokenizer.Messages.Commands;

/// <summary>
/// A mint or burn was accepted and will be sent with <paramref name="CommandHash"/> as its on-chain command id.
/// Published by TokenAdmin for operator commands and self-service mints alike, so that history can show the caller's
/// own command id string for the bytes32 the chain records.
/// </summary>
/// <param name="CommandId">The caller's command id (operator <c>command_id</c>, or a self-service Idempotency-Key or server-made id).</param>
/// <param name="CommandHash">The bytes32 sent on chain, <c>keccak256(utf8(CommandId))</c>, as 0x hex.</param>
/// <param name="Kind"><c>mint</c> or <c>burn</c>.</param>
/// <param name="InstrumentId">The token (EIP-55).</param>
/// <param name="PartyId">The recipient (mint) or holder (burn), EIP-55.</param>
/// <param name="Amount">Decimal token units as the caller gave them, normalised (ERC721: a count of token ids).</param>
/// <param name="Source"><c>operator</c> or <c>self-service</c>.</param>
/// <param name="SubmittedAt">When the command was stored (UTC).</param>
public sealed record CommandSubmitted(
    string CommandId, string CommandHash, string Kind, string InstrumentId, string PartyId, string Amount, string Source, DateTimeOffset SubmittedAt);
