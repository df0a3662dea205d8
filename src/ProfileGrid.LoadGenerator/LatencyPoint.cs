namespace ProfileGrid.LoadGenerator;

/// <summary>One point of a latency distribution: the latency (ms) below which <paramref name="Percentile"/> % of requests finished.</summary>
public sealed record LatencyPoint(double Percentile, double Ms);
