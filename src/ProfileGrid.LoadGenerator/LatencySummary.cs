namespace ProfileGrid.LoadGenerator;

/// <summary>Latency percentiles of a run in milliseconds, over <paramref name="Count"/> requests.</summary>
public sealed record LatencySummary(double P50, double P95, double P99, double Max, long Count);
