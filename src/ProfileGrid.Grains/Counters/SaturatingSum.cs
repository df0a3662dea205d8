namespace ProfileGrid.Counters;

/// <summary>
/// Value sums that never throw. Event values are bounded (|value| ≤ 10^15), so a sum could only reach decimal's
/// range after some 10^13 events; a state stored before the bound existed may hold anything, and reading it must
/// still work. Past the range a sum stays at decimal's limit instead of throwing.
/// </summary>
internal static class SaturatingSum
{
    public static decimal Add(decimal total, decimal value)
    {
        if (value > 0 && total > decimal.MaxValue - value) return decimal.MaxValue;
        if (value < 0 && total < decimal.MinValue - value) return decimal.MinValue;
        return total + value;
    }
}
