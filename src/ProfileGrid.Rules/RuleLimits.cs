namespace ProfileGrid.Rules;

/// <summary>
/// What a rule may be: checked when it is read, before the grammar descends into it, so that no rule can exhaust the
/// stack or make every customer write pay for it. Far above what real rules need.
/// </summary>
public static class RuleLimits
{
    /// <summary>The longest rule accepted, in characters.</summary>
    public const int MaxLength = 4096;

    /// <summary>How deep comparisons may nest: parentheses and <c>not</c> together (<c>not (a or not b)</c> puts <c>b</c> at 3).</summary>
    public const int MaxDepth = 32;

    /// <summary>The most comparisons a rule may hold: what evaluating it costs, as each is read once.</summary>
    public const int MaxComparisons = 128;

    /// <summary>The longest duration a rule may name: a hundred years.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(36_500);
}
