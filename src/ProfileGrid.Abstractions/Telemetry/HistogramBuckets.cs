namespace ProfileGrid.Telemetry;

/// <summary>The bucket boundaries every ProfileGrid histogram uses, so that dashboards can compare them.</summary>
public static class HistogramBuckets
{
    /// <summary>Durations in seconds, from half a millisecond (a memory write) to ten seconds (the response timeout).</summary>
    public static readonly IReadOnlyList<double> Seconds = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];

    /// <summary>Counts of events, from one to a full batch of 1,000.</summary>
    public static readonly IReadOnlyList<int> Events = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
}
