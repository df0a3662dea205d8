namespace ProfileGrid.Segments;

/// <summary>How segment members are kept up to date with time and back-filled (configuration section <see cref="Section"/>).</summary>
public sealed class SegmentOptions
{
    public const string Section = "ProfileGrid:Segments";

    /// <summary>How often a shard looks for members that time may have moved out.</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>When a member asked again has not answered, how long until it is asked once more.</summary>
    public TimeSpan RecheckRetry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many members are asked per shard and tick, so a burst of due members spreads out.</summary>
    public int MaxRechecksPerTick { get; set; } = 1000;

    /// <summary>
    /// How often a segment that time alone may let customers into (<see cref="SegmentTiming.CanEnterWithTime"/>, e.g.
    /// <c>last_seen > 7d</c>) is back-filled again, so that customers who are not members and send nothing enter too.
    /// A sweep visits every stored customer: its cost follows the customer count.
    /// </summary>
    public TimeSpan TimeSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Customers a back-fill reads per page of storage, and asks at once.</summary>
    public int BackfillPageSize { get; set; } = 100;
}
