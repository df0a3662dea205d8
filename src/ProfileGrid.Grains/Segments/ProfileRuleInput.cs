using ProfileGrid.Customers;

namespace ProfileGrid.Segments;

/// <summary>A customer's profile as the rule language reads it (<see cref="IRuleInput"/>), as of <see cref="CustomerProfile.AsOf"/>.</summary>
public sealed class ProfileRuleInput(CustomerProfile profile) : IRuleInput
{
    public DateTimeOffset AsOf => profile.AsOf;

    public DateTimeOffset? FirstSeen => profile.FirstSeen;

    public DateTimeOffset? LastSeen => profile.LastSeen;

    public RuleScores? Scores { get; } = profile.Value is { } value
        ? new RuleScores(value.HistoricClv, value.PredictedClv, value.Orders, value.Recency, value.Frequency, value.Monetary, value.Tier)
        : null;

    /// <summary>Evaluates <paramref name="rule"/> on <paramref name="profile"/>.</summary>
    public static RuleOutcome Evaluate(SegmentRule rule, CustomerProfile profile) => RuleEvaluator.Evaluate(rule, new ProfileRuleInput(profile));

    public string? Trait(string name) => profile.Traits.GetValueOrDefault(name);

    public EventTotals Events(string type, Window window)
    {
        if (Counter(type) is not { } counter) return default;
        var total = window switch
        {
            Window.Hour => counter.LastHour,
            Window.Day => counter.LastDay,
            Window.Week => counter.LastWeek,
            Window.Month => counter.LastMonth,
            _ => counter.Total,
        };
        return new EventTotals(total.Count, total.Sum);
    }

    public DateTimeOffset? LastAt(string type) => Counter(type)?.LastAt;

    private CounterView? Counter(string type) =>
        Array.Find(profile.Counters, counter => string.Equals(counter.Type, type, StringComparison.Ordinal));
}
