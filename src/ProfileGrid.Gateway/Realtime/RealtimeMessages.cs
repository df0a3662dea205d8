using ProfileGrid.Gateway.Views;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>The names of the hub's server-to-client methods.</summary>
public static class Pushes
{
    public const string ProfileChanged = "profileChanged";
    public const string Activity = "activity";
    public const string Viewers = "viewers";
    public const string Erased = "profileErased";
    public const string SegmentChanged = "segmentChanged";
}

/// <summary>Pushed as <c>activity</c>: an event a watched customer just applied, with the profile's seq after it.</summary>
public sealed record ActivityMessage(string CustomerId, long Seq, ActivityView Event);

/// <summary>Pushed as <c>viewers</c>: the names of every agent watching the customer, over all gateways.</summary>
public sealed record ViewersMessage(string CustomerId, string[] Viewers);

/// <summary>Pushed as <c>profileErased</c>: the customer was erased (GDPR); nothing of it is kept or shown any more.</summary>
public sealed record ErasedMessage(string CustomerId, long Seq);

/// <summary>
/// Pushed as <c>segmentChanged</c> to connections watching the segment: the customer entered or left it at
/// <paramref name="At"/>, and the values that made the rule true (none when leaving).
/// </summary>
public sealed record SegmentChangedMessage(string CustomerId, string Segment, bool Entered, string[] Reasons, DateTimeOffset At);
