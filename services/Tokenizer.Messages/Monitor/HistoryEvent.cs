namespace Tokenizer.Messages.Monitor;

/// <summary>One confirmed <c>Minted</c> or <c>Burned</c> event of a platform token.</summary>
/// <param name="Kind"><c>mint</c> or <c>burn</c>.</param>
/// <param name="InstrumentId">The token (EIP-55).</param>
/// <param name="TokenType">ERC20 or ERC721.</param>
/// <param name="Decimals">The token's decimals (0 for ERC721), to format <paramref name="Amount"/>.</param>
/// <param name="PartyId">Recipient (mint) or holder (burn), EIP-55.</param>
/// <param name="CommandHash">The event's bytes32 command id, as 0x hex.</param>
/// <param name="Amount">Base units as a decimal integer string (ERC721: the number of token ids).</param>
/// <param name="TokenIds">ERC721: the ids minted or burned, as decimal strings; null for ERC20.</param>
/// <param name="TransactionHash">The transaction (the history's <c>update_id</c>).</param>
/// <param name="BlockNumber">Its block.</param>
/// <param name="BlockHash">Its block's hash: with <paramref name="LogIndex"/>, the event's identity.</param>
/// <param name="LogIndex">The log's index in its block.</param>
/// <param name="BlockTime">The block's timestamp (UTC; the history's <c>created_at</c>).</param>
public sealed record HistoryEvent(
    string Kind, string InstrumentId, string TokenType, int Decimals, string PartyId, string CommandHash, string Amount,
    IReadOnlyList<string>? TokenIds, string TransactionHash, long BlockNumber, string BlockHash, int LogIndex, DateTimeOffset BlockTime);
