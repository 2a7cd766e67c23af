namespace Tokenizer.Messages.Identity;

/// <summary>A new self-service account exists. Published by Identity once the account is committed.</summary>
/// <param name="UserId">The account's id.</param>
/// <param name="Email">The e-mail as the user gave it (compared case-insensitively).</param>
/// <param name="Plan">BASIC, PRO or PRO_PLUS.</param>
/// <param name="RegisteredAt">When the account was created (UTC).</param>
public sealed record UserRegistered(Guid UserId, string Email, string Plan, DateTimeOffset RegisteredAt);
