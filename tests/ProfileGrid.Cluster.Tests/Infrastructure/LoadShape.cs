namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>How much the producers post, and how patiently they retry a batch that was not acknowledged.</summary>
internal sealed record LoadShape
{
    public int Producers { get; init; } = 4;

    public int BatchesPerProducer { get; init; } = 60;

    public int EventsPerBatch { get; init; } = 20;

    public int Customers { get; init; } = 50;

    /// <summary>The pause after a batch is acknowledged before the next (zero: as fast as the gateway answers).</summary>
    public TimeSpan PauseBetweenBatches { get; init; } = TimeSpan.Zero;

    /// <summary>The pause before posting a failed batch again (a producer that retries promptly).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A batch not acknowledged this long after its first try is given up (and the test fails).</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// The client-side timeout of one POST, as a producer would set it: a request stuck on a dead silo is abandoned
    /// and retried rather than waiting for Orleans' 30 s response timeout.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public int TotalBatches => Producers * BatchesPerProducer;
}
