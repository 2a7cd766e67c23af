namespace Tokenizer.Messages.Tokens;

/// <summary>A token control changed on chain (the transaction succeeded). Published by TokenAdmin.</summary>
/// <param name="Address">The token (EIP-55).</param>
/// <param name="Control">One of <see cref="TokenControls"/>.</param>
/// <param name="Account">The account for <c>frozen</c> and <c>approved</c>; null for token-wide controls.</param>
/// <param name="Enabled">The control's new value (paused, locked, frozen or approved).</param>
/// <param name="TransactionHash">The transaction that changed it.</param>
/// <param name="BlockNumber">The block that included it.</param>
/// <param name="ChangedAt">When TokenAdmin saw the receipt (UTC).</param>
public sealed record TokenControlChanged(
    string Address, string Control, string? Account, bool Enabled, string TransactionHash, long BlockNumber, DateTimeOffset ChangedAt);
