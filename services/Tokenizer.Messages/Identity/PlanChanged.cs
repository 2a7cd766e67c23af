namespace Tokenizer.Messages.Identity;

/// <summary>An account moved to another plan; quota owners (TokenAdmin) apply the new monthly limit.</summary>
/// <param name="UserId">The account's id.</param>
/// <param name="OldPlan">The plan before the change.</param>
/// <param name="NewPlan">The plan after the change.</param>
/// <param name="ChangedAt">When the change was committed (UTC).</param>
public sealed record PlanChanged(Guid UserId, string OldPlan, string NewPlan, DateTimeOffset ChangedAt);
