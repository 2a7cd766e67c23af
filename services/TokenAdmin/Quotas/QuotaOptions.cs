namespace Tokenizer.TokenAdmin.Quotas;

/// <summary>Monthly quota per plan (section <c>Quotas</c>): deploys and mints each take one unit.</summary>
public sealed class QuotaOptions
{
    public const string SectionName = "Quotas";

    public Dictionary<string, int> Plans { get; set; } = new(StringComparer.Ordinal)
    {
        ["BASIC"] = 10,
        ["PRO"] = 100,
        ["PRO_PLUS"] = 1000,
    };

    /// <summary>The limit of <paramref name="plan"/>; an unknown plan gets BASIC's.</summary>
    public int LimitFor(string plan) =>
        Plans.TryGetValue(plan, out var limit) ? limit : Plans.GetValueOrDefault("BASIC", 10);
}
