namespace ProfileGrid.Gateway.Realtime;

/// <summary>The section <c>ProfileGrid:Realtime</c>.</summary>
public sealed class RealtimeOptions
{
    public const string Section = "ProfileGrid:Realtime";

    /// <summary>
    /// How often the gateway renews its subscription to each watched customer. Renewal re-subscribes a customer whose
    /// grain moved (e.g. after a silo crash), so it bounds how long pushes pause; grains drop a subscription not
    /// renewed within a minute.
    /// </summary>
    public TimeSpan RenewPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often this gateway renews its subscriptions at the shards of each watched segment (they expire a minute after the last).</summary>
    public TimeSpan SegmentRenewPeriod { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often a watched customer with events in its last day is re-pushed so its windows roll forward.</summary>
    public TimeSpan RolloverPeriod { get; set; } = TimeSpan.FromSeconds(30);
}
