namespace ProfileGrid.Segments;

/// <summary>How segment members are kept up to date with time (configuration section <see cref="Section"/>; back-fills: <see cref="SegmentSweepOptions"/>).</summary>
public sealed class SegmentOptions
{
    public const string Section = "ProfileGrid:Segments";

    /// <summary>How often a shard looks for members that time may have moved out.</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>When a member asked again has not answered, how long until it is asked once more.</summary>
    public TimeSpan RecheckRetry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many members are asked per shard and tick, so a burst of due members spreads out.</summary>
    public int MaxRechecksPerTick { get; set; } = 1000;
}
