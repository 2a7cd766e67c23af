namespace Tokenizer.Messages.Commands;

/// <summary>A mint or burn will not happen: its transaction reverted (the reason is decoded) or it could not be built.</summary>
/// <param name="CommandId">The caller's command id.</param>
/// <param name="CommandHash">Its bytes32 on chain, as 0x hex.</param>
/// <param name="Kind"><c>mint</c> or <c>burn</c>.</param>
/// <param name="InstrumentId">The token (EIP-55).</param>
/// <param name="Reason">Why, for operators (for example "token is paused").</param>
/// <param name="FailedAt">When TokenAdmin decided (UTC).</param>
public sealed record CommandFailed(string CommandId, string CommandHash, string Kind, string InstrumentId, string Reason, DateTimeOffset FailedAt);
