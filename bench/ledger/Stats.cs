namespace Tokenizer.Bench.Ledger;

public static class Stats
{
    public static double Percentile(IReadOnlyCollection<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyCollection<double> values) => Percentile(values, 0.5);
}
