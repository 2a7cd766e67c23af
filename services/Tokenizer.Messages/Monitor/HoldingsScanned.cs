namespace Tokenizer.Messages.Monitor;

/// <summary>
/// One token's complete holdings as of one scan. Every token of a scan carries the same <paramref name="ScanId"/>
/// (increasing); a consumer replaces the token's previous snapshot with this one atomically and ignores an older scan.
/// </summary>
/// <param name="ScanId">The scan's number, increasing across scans.</param>
/// <param name="ScannedAt">The scan's time (UTC).</param>
/// <param name="BlockNumber">The block the balances were read at.</param>
/// <param name="InstrumentId">The token (EIP-55).</param>
/// <param name="TokenType">ERC20 or ERC721.</param>
/// <param name="Decimals">The token's decimals (0 for ERC721).</param>
/// <param name="Holdings">Every holding with a non-zero amount.</param>
/// <param name="Factory">The factory (EIP-55) whose scan this is: scan ids are ordered per factory. Null is the one unnamed feed.</param>
public sealed record HoldingsScanned(
    long ScanId, DateTimeOffset ScannedAt, long BlockNumber, string InstrumentId, string TokenType, int Decimals, IReadOnlyList<HoldingEntry> Holdings,
    string? Factory = null);
