using ProfileGrid.Telemetry;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ProfileGrid.Storage;

namespace ProfileGrid.Customers;

/// <summary>
/// The customer grain's meter and activity source, both <c>ProfileGrid.Customers</c>: each journal write's span
/// (<c>customer write</c>, in the trace of the call that started it) and its duration, kind and events. Static, as
/// grains have no per-silo place to keep them; nothing is recorded unless a listener (OpenTelemetry) subscribes.
/// </summary>
internal static class CustomerTelemetry
{
    public const string Name = "ProfileGrid.Customers";
    public const string WriteDurationInstrument = "profilegrid.customer.write.duration";
    public const string WriteEventsInstrument = "profilegrid.customer.write.events";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> WriteDuration = Meter.CreateHistogram<double>(WriteDurationInstrument, "s",
        "One customer journal write, from the grain handing it to storage to storage's answer; tagged with the write's kind (append, snapshot).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Seconds });

    private static readonly Histogram<int> WriteEvents = Meter.CreateHistogram<int>(WriteEventsInstrument, "{event}",
        "Events one customer journal write stores: more than one when concurrent calls share it (group commit).",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = HistogramBuckets.Events });

    /// <summary>The write's span: it carries no customer id, as no telemetry does (docs/operations.md, "Telemetry").</summary>
    /// <param name="events">The events the write stores.</param>
    public static Activity? StartWrite(int events)
    {
        var activity = Source.StartActivity("customer write");
        activity?.SetTag("profilegrid.events", events);
        return activity;
    }

    public static void Written(JournalWriteKind kind, int events, long startedTimestamp)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind == JournalWriteKind.Snapshot ? "snapshot" : "append");
        WriteDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, tag);
        WriteEvents.Record(events);
    }
}
