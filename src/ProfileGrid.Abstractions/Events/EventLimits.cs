namespace ProfileGrid.Events;

/// <summary>The limits of the event contract, shared by the gateway's validation and the grain's rules.</summary>
public static class EventLimits
{
    public const int MaxIdLength = 128;
    public const int MaxTypeLength = 64;
    public const int MaxChannelLength = 64;
    public const int MaxPropertiesBytes = 16 * 1024;
    public const int MaxBatchEvents = 1000;
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>How far ahead of the receiving clock an event's timestamp may be.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);
}
