namespace Tokenizer.Messages.Monitor;

/// <summary>One holding: for ERC20 one per (token, owner), for ERC721 one per token id.</summary>
/// <param name="HoldingCid">Stable while the holding exists: hex of keccak256(token ‖ owner) for ERC20, keccak256(token ‖ uint256 id) for ERC721.</param>
/// <param name="PartyId">The owner (EIP-55).</param>
/// <param name="Amount">Base units as a decimal integer string (ERC721: "1").</param>
/// <param name="TokenId">ERC721: the token id as a decimal string; null for ERC20.</param>
/// <param name="Locked">True when a token control stops the owner spending it now.</param>
public sealed record HoldingEntry(string HoldingCid, string PartyId, string Amount, string? TokenId, bool Locked);
