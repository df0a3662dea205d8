namespace ProfileGrid.Destinations;

/// <summary>
/// How long deliveries took, from queued to the destination's <c>2xx</c>, as counts in fixed buckets (upper bounds
/// <see cref="Bounds"/>, then one for anything slower) and the slowest: small, and added exactly across a destination's
/// queues. A percentile is the upper bound of the bucket that holds it, never above the slowest seen.
/// </summary>
[GenerateSerializer, Immutable, Alias("pg.DeliveryLatencies")]
public sealed record DeliveryLatencies([property: Id(0)] long[] Counts, [property: Id(1)] TimeSpan Slowest)
{
    /// <summary>The buckets' upper bounds (inclusive), 1-2-5 steps from 1 ms to an hour.</summary>
    public static readonly TimeSpan[] Bounds = [.. new[]
    {
        1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000,
    }.Select(milliseconds => TimeSpan.FromMilliseconds(milliseconds))];

    public static DeliveryLatencies None { get; } = new(new long[Bounds.Length + 1], TimeSpan.Zero);

    public long Total => Counts.Sum();

    /// <summary>The bucket a latency is counted in: the first whose bound it does not exceed, else the last (slower than an hour).</summary>
    public static int BucketOf(TimeSpan latency)
    {
        var index = Array.BinarySearch(Bounds, latency);
        return index >= 0 ? index : ~index;
    }

    public DeliveryLatencies Plus(DeliveryLatencies other) =>
        new([.. Counts.Zip(other.Counts, (mine, theirs) => mine + theirs)], Slowest > other.Slowest ? Slowest : other.Slowest);

    /// <summary>
    /// The latency <paramref name="fraction"/> (0.5 for the median) of the deliveries took at most, by nearest rank: the
    /// upper bound of its bucket, or the slowest seen when that is less; null without deliveries.
    /// </summary>
    public TimeSpan? Percentile(double fraction)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(fraction, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1);
        var total = Total;
        if (total == 0) return null;
        var rank = (long)Math.Ceiling(fraction * total);
        long seen = 0;
        for (var bucket = 0; bucket < Counts.Length; bucket++)
        {
            seen += Counts[bucket];
            if (seen >= rank) return bucket < Bounds.Length && Bounds[bucket] < Slowest ? Bounds[bucket] : Slowest;
        }

        return Slowest;
    }
}
