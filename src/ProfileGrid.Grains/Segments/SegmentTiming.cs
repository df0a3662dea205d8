namespace ProfileGrid.Segments;

/// <summary>
/// Whether time alone may let customers into a segment: what the back-fill's time sweep
/// (<see cref="SegmentOptions.TimeSweepInterval"/>) asks. When a customer's answer changes is
/// <see cref="RuleTiming"/>'s, and customers are woken at that instant (<c>CustomerWakeups</c>).
/// </summary>
public static class SegmentTiming
{
    /// <summary>
    /// Whether time alone, without an event, may make the rule true for a customer it is false for now: windowed counts
    /// and sums, recency scores and predicted value only fall with time, and durations since only grow, so
    /// <c>purchase.1h == 0</c> or <c>last_seen > 7d</c> can become true, <c>purchase.1h >= 1</c> cannot. Conservative:
    /// <c>and</c> and <c>or</c> may if either side may.
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
}
