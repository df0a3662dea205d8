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

    /// <summary>
    /// Whether time alone, without an event, may make the rule true for a customer it is false for now: windowed counts
    /// and sums, recency scores and predicted value only fall with time, and durations since only grow, so
    /// <c>purchase.1h == 0</c> or <c>last_seen > 7d</c> can become true, <c>purchase.1h >= 1</c> cannot. Conservative:
    /// <c>and</c> and <c>or</c> may if either side may. Such segments are swept again every
    /// <see cref="SegmentOptions.TimeSweepInterval"/>: nothing else asks customers that are not members.
    /// </summary>
    public static bool CanEnterWithTime(SegmentRule rule, bool positive = true) => rule switch
    {
        AndRule and => CanEnterWithTime(and.Left, positive) || CanEnterWithTime(and.Right, positive),
        OrRule or => CanEnterWithTime(or.Left, positive) || CanEnterWithTime(or.Right, positive),
        NotRule not => CanEnterWithTime(not.Inner, !positive),
        Comparison comparison => Drift(comparison.Operand) is { } drift && CanTurn(drift, comparison.Op, becomesTrue: positive),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.GetType().Name, "Unknown rule."),
    };

    /// <summary>Which way time moves the operand's value without events: -1 down, +1 up; null when it does not move.</summary>
    private static int? Drift(Operand operand) => operand switch
    {
        CountOperand { Window: not Window.Total } or SumOperand { Window: not Window.Total } => -1,
        DerivedOperand { Name: "rfm.recency" or "clv.predicted" } => -1,
        LastOperand or DerivedOperand { Name: "last_seen" or "first_seen" } => +1,
        _ => null,
    };

    private static bool CanTurn(int drift, CompareOp op, bool becomesTrue) => op switch
    {
        CompareOp.Equal or CompareOp.NotEqual => true,
        CompareOp.Less or CompareOp.LessOrEqual => drift < 0 == becomesTrue,
        _ => drift > 0 == becomesTrue,
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
