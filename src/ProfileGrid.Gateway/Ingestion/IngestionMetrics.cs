using ProfileGrid.Telemetry;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// The meter <c>ProfileGrid.Gateway.Ingestion</c>: events received in readable requests, what became of each
/// (accepted, duplicate, rejected), events per request, and how long applying a request's events to their customers
/// took (every grain call of the request, storage writes included), and how long bulk requests waited to go.
/// </summary>
public sealed class IngestionMetrics
{
    public const string MeterName = "ProfileGrid.Gateway.Ingestion";
    public const string ReceivedInstrument = "profilegrid.events.received";
    public const string OutcomesInstrument = "profilegrid.events";
    public const string BatchSizeInstrument = "profilegrid.events.batch_size";
    public const string ApplyDurationInstrument = "profilegrid.events.apply.duration";
    public const string BulkWaitInstrument = "profilegrid.events.bulk.wait";
    public const string OutcomeTag = "outcome";

    private static readonly KeyValuePair<string, object?> Accepted = new(OutcomeTag, "accepted");
    private static readonly KeyValuePair<string, object?> Duplicate = new(OutcomeTag, "duplicate");
    private static readonly KeyValuePair<string, object?> Rejected = new(OutcomeTag, "rejected");

    private readonly Counter<long> _received;
    private readonly Counter<long> _outcomes;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _applyDuration;
    private readonly Histogram<double> _bulkWait;

    public IngestionMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _received = meter.CreateCounter<long>(ReceivedInstrument, "{event}", "Events in requests whose body was read, valid or not.");
        _outcomes = meter.CreateCounter<long>(OutcomesInstrument, "{event}", "Events answered, by outcome: accepted (stored), duplicate (stored before), rejected (invalid).");
        _batchSize = meter.CreateHistogram<int>(BatchSizeInstrument, "{event}", "Events per request.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = HistogramBuckets.Events });
        _applyDuration = meter.CreateHistogram<double>(ApplyDurationInstrument, "s", "From a request's first grain call to its last answer: the events applied and stored.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Seconds });
        _bulkWait = meter.CreateHistogram<double>(BulkWaitInstrument, "s", "How long bulk requests waited for smaller ones to go first (BulkAdmission).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Seconds });
    }

    public void Received(int events)
    {
        _received.Add(events);
        _batchSize.Record(events);
    }

    public void Answered(int accepted, int duplicates, int rejected)
    {
        if (accepted > 0) _outcomes.Add(accepted, Accepted);
        if (duplicates > 0) _outcomes.Add(duplicates, Duplicate);
        if (rejected > 0) _outcomes.Add(rejected, Rejected);
    }

    public void BulkAdmitted(TimeSpan waited) => _bulkWait.Record(waited.TotalSeconds);

    public void Applied(long startedTimestamp) => _applyDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);
}
