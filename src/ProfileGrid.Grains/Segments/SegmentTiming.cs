namespace ProfileGrid.Segments;

/// <summary>
/// How soon time alone, without an event, may change a rule's answer: the finest step of the windows and times it
/// reads. Counters keep minute buckets for the last hour, so a 1-hour window moves every minute; the longer windows
/// are checked less often, at a delay that is small next to their length.
/// </summary>
public static class SegmentTiming
{
    public static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    public static TimeSpan? RecheckPeriod(SegmentRule rule) => rule switch
    {
        AndRule and => Min(RecheckPeriod(and.Left), RecheckPeriod(and.Right)),
        OrRule or => Min(RecheckPeriod(or.Left), RecheckPeriod(or.Right)),
        NotRule not => RecheckPeriod(not.Inner),
        Comparison comparison => Of(comparison.Operand),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.GetType().Name, "Unknown rule."),
    };

    private static TimeSpan? Of(Operand operand) => operand switch
    {
        CountOperand count => Of(count.Window),
        SumOperand sum => Of(sum.Window),
        LastOperand => Minute,
        TraitOperand => null,
        DerivedOperand { Name: "last_seen" or "first_seen" } => Minute,
        // Recency moves with the days since the last purchase, the predicted value with those since first seen.
        DerivedOperand { Name: "rfm.recency" or "clv.predicted" } => TimeSpan.FromHours(1),
        DerivedOperand => null,
        _ => throw new ArgumentOutOfRangeException(nameof(operand), operand.GetType().Name, "Unknown operand."),
    };

    private static TimeSpan? Of(Window window) => window switch
    {
        Window.Hour => Minute,
        Window.Day => TimeSpan.FromMinutes(5),
        Window.Week or Window.Month => TimeSpan.FromHours(1),
        _ => null,
    };

    private static TimeSpan? Min(TimeSpan? left, TimeSpan? right) =>
        left is null ? right : right is null ? left : left < right ? left : right;
}
