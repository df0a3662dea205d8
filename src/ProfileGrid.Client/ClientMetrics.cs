using System.Diagnostics.Metrics;

namespace ProfileGrid.Client;

/// <summary>
/// The client's meter: <c>profilegrid.client.events</c> by <c>outcome</c> (accepted, duplicate, rejected, dropped,
/// refused), <c>profilegrid.client.retries</c>, and <c>profilegrid.client.batch.duration</c> (seconds, retries included).
/// </summary>
internal sealed class ClientMetrics : IDisposable
{
    public const string MeterName = "ProfileGrid.Client";
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Rejected = "rejected";
    public const string Dropped = "dropped";
    public const string Refused = "refused";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _events;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _duration;

    public ClientMetrics(IMeterFactory? meters)
    {
        (_meter, _ownsMeter) = meters is null ? (new Meter(MeterName), true) : (meters.Create(MeterName), false);
        _events = _meter.CreateCounter<long>("profilegrid.client.events", "{event}", "Events by what became of them.");
        _retries = _meter.CreateCounter<long>("profilegrid.client.retries", "{retry}", "Batches sent again after a transient failure.");
        _duration = _meter.CreateHistogram<double>("profilegrid.client.batch.duration", "s", "From a batch's first send to its answer, retries included.");
    }

    public void Counted(string outcome, long events)
    {
        if (events > 0) _events.Add(events, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void Retried() => _retries.Add(1);

    public void Sent(TimeSpan elapsed) => _duration.Record(elapsed.TotalSeconds);

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }
}
