namespace ProfileGrid.Segments;

/// <summary>How segments are back-filled (configuration section <see cref="Section"/>).</summary>
public sealed class SegmentOptions
{
    public const string Section = "ProfileGrid:Segments";

    /// <summary>
    /// How often a segment that time alone may let customers into (<see cref="SegmentTiming.CanEnterWithTime"/>, e.g.
    /// <c>last_seen > 7d</c>) is back-filled again, so that customers who are not members and send nothing enter too.
    /// A sweep visits every stored customer: its cost follows the customer count.
    /// </summary>
    public TimeSpan TimeSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Customers a back-fill reads per page of storage, and asks at once.</summary>
    public int BackfillPageSize { get; set; } = 100;
}
