using System.Text.Json.Serialization;

namespace Tokenizer.TokenAdmin.Apis;

// The documented self-service bodies (tokenizer-api.txt), field names as documented. Times are UTC DateTime so they
// serialize with "Z", as the documents show.

public sealed record TransactionView(string Hash, string ExplorerUrl);

public sealed record SuccessView(bool Success);

public sealed record SuccessView<T>(bool Success, T Data);

public sealed record TokenSummaryView(string Address, string Type, string Name, string Symbol, DateTime CreatedAt);

public sealed record DeployedTokenView(string Address, string Type, string Name, string Symbol, DateTime CreatedAt, TransactionView Transaction);

public sealed record TokenDetailsView(
    string Address, string Type, string Name, string Symbol, bool Paused, bool TransferLocked, bool Permissionless, string Owner, string Creator);

/// <summary>A mint's answer; <c>tokenId</c> only for ERC721 (the id the mint created).</summary>
public sealed record MintView(TransactionView Transaction, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TokenId);

public sealed record StatsView(string Plan, int Limit, int Used, int Remaining, DateTime ResetsAt);
