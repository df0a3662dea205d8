using System.Diagnostics.Metrics;

namespace ProfileGrid.Archive;

/// <summary>What the archivers do, on the meter <see cref="MeterName"/> (OpenTelemetry exports it with the other ProfileGrid meters).</summary>
internal static class ArchiveMetrics
{
    public const string MeterName = "ProfileGrid.Archive";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> LagHistogram = Meter.CreateHistogram<double>(
        "profilegrid.archive.lag", "s", "From the journal write that stored a record (the 202) to its blob being written.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600] });

    private static readonly Counter<long> RecordCounter = Meter.CreateCounter<long>(
        "profilegrid.archive.records", "{record}", "Customer writes archived (a record already archived before a crash is not counted again).");

    private static readonly Counter<long> BlobCounter = Meter.CreateCounter<long>(
        "profilegrid.archive.blobs", "{blob}", "Archive blobs written.");

    private static readonly Gauge<int> DepthGauge = Meter.CreateGauge<int>(
        "profilegrid.archive.outbox.depth", "{row}", "Outbox rows a partition's archiver found waiting at its last read (at most its rows per read: a full read means a backlog).");

    public static void Archived(TimeSpan lag, int records)
    {
        LagHistogram.Record(Math.Max(0, lag.TotalSeconds));
        RecordCounter.Add(records);
    }

    public static void BlobWritten() => BlobCounter.Add(1);

    public static void Depth(int partition, int rows) => DepthGauge.Record(rows, new KeyValuePair<string, object?>("partition", partition));
}
