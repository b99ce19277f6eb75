namespace GitLabBus.Bench;

public static class Percentiles
{
    /// <summary>The value at <paramref name="quantile"/> of an ascending list (nearest rank).</summary>
    public static double Of(IReadOnlyList<double> sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];
}
