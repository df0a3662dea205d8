using System.Diagnostics;
using System.Diagnostics.Metrics;
using ProfileGrid.Customers;
using ProfileGrid.Telemetry;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>
/// The meter <c>ProfileGrid.Gateway.Realtime</c>: failures the realtime work contained (tagged with the operation
/// that failed), connections dropped for falling behind, open hub connections and watched customers, and how long
/// a change takes to reach the agents; and the activity source of pushes (a push joins the trace of the write that
/// caused it).
/// </summary>
public sealed class RealtimeMetrics
{
    public const string MeterName = "ProfileGrid.Gateway.Realtime";
    public const string FailuresInstrument = "profilegrid.realtime.failures";
    public const string DroppedInstrument = "profilegrid.realtime.connections.dropped";
    public const string ConnectionsInstrument = "profilegrid.hub.connections";
    public const string WatchedInstrument = "profilegrid.hub.watched_customers";
    public const string PushLatencyInstrument = "profilegrid.push.latency";

    /// <summary>Spans of pushes: <c>push profile</c>, from a grain's notification to the connections' outboxes.</summary>
    public static readonly ActivitySource Source = new(MeterName);
    public const string OperationTag = "operation";

    public const string Watch = "watch";
    public const string Unwatch = "unwatch";
    public const string Renew = "renew";
    public const string RenewalRound = "renewal_round";
    public const string ProfileChanged = "profile_changed";
    public const string ViewersChanged = "viewers_changed";
    public const string ProfileErased = "profile_erased";
    public const string Send = "send";

    private readonly Counter<long> _failures;
    private readonly Counter<long> _dropped;
    private readonly Histogram<double> _pushLatency;
    private readonly TimeProvider _clock;
    private readonly Meter _meter;

    public RealtimeMetrics(IMeterFactory meters, [FromKeyedServices(DomainClock.Key)] TimeProvider clock)
    {
        _clock = clock;
        var meter = _meter = meters.Create(MeterName);
        _failures = meter.CreateCounter<long>(FailuresInstrument, "{failure}",
            "Failures of one customer's or one connection's realtime work, contained and retried later.");
        _dropped = meter.CreateCounter<long>(DroppedInstrument, "{connection}",
            "SignalR connections dropped because their outbox was full (the client stopped reading).");
        _pushLatency = meter.CreateHistogram<double>(PushLatencyInstrument, "s",
            "From a customer grain starting to store a change (the profile's asOf, on the silo's clock) to its push written to an agent's connection.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Seconds });
    }

    public void Failed(string operation) => _failures.Add(1, new KeyValuePair<string, object?>(OperationTag, operation));

    public void Dropped() => _dropped.Add(1);

    /// <summary>A change made at <paramref name="changedAt"/> was written to one agent's connection now.</summary>
    public void Pushed(DateTimeOffset changedAt) => _pushLatency.Record(Math.Max(0, (_clock.GetUtcNow() - changedAt).TotalSeconds));

    /// <summary>Reports the open hub connections as <see cref="ConnectionsInstrument"/>, read when collected.</summary>
    internal void ObserveConnections(Func<int> count) =>
        _meter.CreateObservableGauge(ConnectionsInstrument, count, "{connection}", "Open SignalR connections to the agent hub on this gateway.");

    /// <summary>Reports the watched customers as <see cref="WatchedInstrument"/>, read when collected.</summary>
    internal void ObserveWatchedCustomers(Func<int> count) =>
        _meter.CreateObservableGauge(WatchedInstrument, count, "{customer}", "Customers watched through this gateway (one grain subscription each).");
}
