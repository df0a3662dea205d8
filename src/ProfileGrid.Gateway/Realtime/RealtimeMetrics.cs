using System.Diagnostics.Metrics;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>
/// The meter <c>ProfileGrid.Gateway.Realtime</c>: failures the realtime work contained (tagged with the operation
/// that failed) and connections dropped for falling behind.
/// </summary>
public sealed class RealtimeMetrics
{
    public const string MeterName = "ProfileGrid.Gateway.Realtime";
    public const string FailuresInstrument = "profilegrid.realtime.failures";
    public const string DroppedInstrument = "profilegrid.realtime.connections.dropped";
    public const string OperationTag = "operation";

    public const string Watch = "watch";
    public const string Unwatch = "unwatch";
    public const string Renew = "renew";
    public const string RenewalRound = "renewal_round";
    public const string ProfileChanged = "profile_changed";
    public const string ViewersChanged = "viewers_changed";
    public const string Send = "send";

    private readonly Counter<long> _failures;
    private readonly Counter<long> _dropped;

    public RealtimeMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _failures = meter.CreateCounter<long>(FailuresInstrument, "{failure}",
            "Failures of one customer's or one connection's realtime work, contained and retried later.");
        _dropped = meter.CreateCounter<long>(DroppedInstrument, "{connection}",
            "SignalR connections dropped because their outbox was full (the client stopped reading).");
    }

    public void Failed(string operation) => _failures.Add(1, new KeyValuePair<string, object?>(OperationTag, operation));

    public void Dropped() => _dropped.Add(1);
}
