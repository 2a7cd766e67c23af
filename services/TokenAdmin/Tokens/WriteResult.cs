namespace Tokenizer.TokenAdmin.Tokens;

/// <summary>A succeeded chain write: its transaction and, for an ERC721 mint, the new token id.</summary>
public sealed record WriteResult(string TransactionHash, long BlockNumber, string? TokenId = null);
