using ProfileGrid.Settings;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>The section <c>ProfileGrid:Realtime</c>.</summary>
public sealed class RealtimeOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid:Realtime";

    /// <summary>The longest renewal period: half the minute after which grains and shards drop a subscription not renewed.</summary>
    public static readonly TimeSpan MaxRenewPeriod = TimeSpan.FromSeconds(30);

    public static string SectionPath => Section;

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

    public IEnumerable<string> Problems() => new[]
    {
        CheckedOptions.Within(nameof(RenewPeriod), RenewPeriod, TimeSpan.FromMilliseconds(100), MaxRenewPeriod),
        CheckedOptions.Within(nameof(SegmentRenewPeriod), SegmentRenewPeriod, TimeSpan.FromMilliseconds(100), MaxRenewPeriod),
        CheckedOptions.Within(nameof(RolloverPeriod), RolloverPeriod, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
    }.OfType<string>();
}
