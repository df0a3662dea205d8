using System.Diagnostics.Metrics;

namespace ProfileGrid.Destinations;

/// <summary>What deliveries do, per destination, on the meter <see cref="MeterName"/> (OpenTelemetry exports it with the other ProfileGrid meters).</summary>
internal static class DestinationMetrics
{
    public const string MeterName = "ProfileGrid.Destinations";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> DeliveredCounter = Meter.CreateCounter<long>(
        "profilegrid.destinations.delivered", "{delivery}", "Deliveries a destination answered with 2xx.");

    private static readonly Counter<long> FailedCounter = Meter.CreateCounter<long>(
        "profilegrid.destinations.failed", "{attempt}", "Attempts that failed (non-2xx answer, no answer in time, refused connection, open circuit).");

    private static readonly Counter<long> RetryingCounter = Meter.CreateCounter<long>(
        "profilegrid.destinations.retrying", "{retry}", "Retries scheduled after a failed attempt.");

    private static readonly Counter<long> DeadLetteredCounter = Meter.CreateCounter<long>(
        "profilegrid.destinations.dead_lettered", "{delivery}", "Deliveries given up on (too old, or the queue was full) and kept as dead letters.");

    private static readonly Counter<long> NotOwedCounter = Meter.CreateCounter<long>(
        "profilegrid.destinations.not_owed", "{delivery}", "Deliveries a write owed past what its outbox record holds (logged; not sent).");

    private static readonly Histogram<double> OutboxLagHistogram = Meter.CreateHistogram<double>(
        "profilegrid.destinations.outbox_lag", "s", "From a write's outbox row to its deliveries being in their queues.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60] });

    private static readonly Histogram<double> LatencyHistogram = Meter.CreateHistogram<double>(
        "profilegrid.destinations.latency", "s", "From the customer write that owed a delivery (the 202) to the destination's 2xx.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 300, 3600] });

    private static KeyValuePair<string, object?> Tag(string destination) => new("destination", destination);

    public static void Delivered(string destination, TimeSpan latency)
    {
        DeliveredCounter.Add(1, Tag(destination));
        LatencyHistogram.Record(Math.Max(0, latency.TotalSeconds), Tag(destination));
    }

    public static void Failed(string destination) => FailedCounter.Add(1, Tag(destination));

    public static void Retrying(string destination) => RetryingCounter.Add(1, Tag(destination));

    public static void DeadLettered(string destination, int count) => DeadLetteredCounter.Add(count, Tag(destination));

    public static void NotOwed(int count) => NotOwedCounter.Add(count);

    public static void OutboxLag(TimeSpan lag) => OutboxLagHistogram.Record(Math.Max(0, lag.TotalSeconds));

    private static readonly Counter<long> LatencyBucketCounter = Meter.CreateCounter<long>(
        "profilegrid.destinations.latency_buckets", "{delivery}",
        "Deliveries taken, by latency bucket (tag le: its upper bound in seconds, or inf): percentiles where a histogram's buckets are not exported (Application Insights).");

    private static readonly Counter<long> AttemptErrorCounter = Meter.CreateCounter<long>(
        "profilegrid.destinations.attempt_errors", "{attempt}", "Failed attempts by what failed (tag error: http_{status}, timeout, circuit_open, connection, other).");

    private static readonly string[] LatencyBucketNames = [.. DeliveryLatencies.Bounds.Select(bound => bound.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)), "inf"];

    /// <summary>A delivery taken <paramref name="latency"/> after it was queued, counted in its bucket (the same as the queues' status uses).</summary>
    public static void LatencyBucket(string destination, TimeSpan latency) =>
        LatencyBucketCounter.Add(1, Tag(destination), new("le", LatencyBucketNames[DeliveryLatencies.BucketOf(latency)]));

    public static void AttemptError(string destination, string error) => AttemptErrorCounter.Add(1, Tag(destination), new("error", error));
}
