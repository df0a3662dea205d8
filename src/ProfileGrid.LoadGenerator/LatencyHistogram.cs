using HdrHistogram;

namespace ProfileGrid.LoadGenerator;

/// <summary>
/// Request latencies in microseconds, 3 significant digits, up to 10 minutes, in an HdrHistogram: a few KiB however
/// many requests are recorded. Thread-safe: recording takes a short lock.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>The percentiles reported for plots of the latency distribution.</summary>
    public static readonly double[] PlotPercentiles = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100];

    private const long HighestMicroseconds = 10L * 60 * 1_000_000;
    private readonly LongHistogram _histogram = new(HighestMicroseconds, 3);
    private readonly Lock _lock = new();

    public long Count
    {
        get { lock (_lock) return _histogram.TotalCount; }
    }

    public void Record(TimeSpan latency)
    {
        var micros = Math.Clamp((long)latency.TotalMicroseconds, 1, HighestMicroseconds);
        lock (_lock) _histogram.RecordValue(micros);
    }

    /// <summary>The latency at <paramref name="percentile"/> (0–100) in milliseconds; 0 when nothing was recorded.</summary>
    public double Milliseconds(double percentile)
    {
        lock (_lock)
        {
            if (_histogram.TotalCount == 0) return 0;
            var micros = percentile >= 100 ? _histogram.GetMaxValue() : _histogram.GetValueAtPercentile(percentile);
            return Math.Round(micros / 1000.0, 3);
        }
    }

    public LatencySummary Summary() => new(Milliseconds(50), Milliseconds(95), Milliseconds(99), Milliseconds(100), Count);

    public LatencyPoint[] Distribution() => [.. PlotPercentiles.Select(p => new LatencyPoint(p, Milliseconds(p)))];
}
