using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace ProfileGrid.Segments;

/// <summary>
/// Segments this process could not evaluate (an exception from a rule on a profile, or a stored rule that no longer
/// reads): each failure is counted in <see cref="FailuresInstrument"/> (tagged with the segment and the exception's
/// type), and logged once per definition and kind, not once per request.
/// </summary>
public sealed partial class SegmentFailures(ILogger<SegmentFailures> logger)
{
    public const string MeterName = "ProfileGrid.Segments";
    public const string FailuresInstrument = "profilegrid.segment.evaluation.failures";

    /// <summary>Kinds logged at most, after which the record starts again (so that it stays bounded over many redefinitions).</summary>
    private const int MaxLogged = 10_000;

    // Static, like the customer grain's meter: nothing is recorded unless a listener (OpenTelemetry) subscribes.
    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Failures = Meter.CreateCounter<long>(FailuresInstrument, "{failure}",
        "Segment evaluations that failed: the segment answers \"not evaluable\" for that profile; tagged with the segment and the kind of failure.");

    private readonly ConcurrentDictionary<(string Segment, DateTimeOffset DefinedAt, string Kind), bool> _logged = new();

    /// <summary>Counts the failure; logs it if this definition has not failed this way before.</summary>
    public void Report(SegmentDefinition definition, Exception exception)
    {
        var kind = exception.GetType().Name;
        Failures.Add(1, new KeyValuePair<string, object?>("profilegrid.segment", definition.Name), new KeyValuePair<string, object?>("profilegrid.failure", kind));
        if (_logged.Count >= MaxLogged) _logged.Clear();
        if (_logged.TryAdd((definition.Name, definition.DefinedAt, kind), true)) LogFailed(logger, exception, definition.Name, kind);
    }

    [LoggerMessage(Level = LogLevel.Error, Message =
        "Segment {Segment} could not be evaluated ({Kind}); it answers \"not evaluable\" where this fails, and this is logged once per definition and kind")]
    private static partial void LogFailed(ILogger logger, Exception exception, string segment, string kind);
}
