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
            Window.Year => counter.LastYear ?? throw new InvalidOperationException(
                $"{type}.365d is not known here: '{type}' is not a history type where the profile was read (its days are kept for a month only)."),
            _ => counter.Total,
        };
        return new EventTotals(total.Count, total.Sum);
    }

    public DateTimeOffset? LastAt(string type) => Counter(type)?.LastAt;

    public DateTimeOffset? FirstAt(string type) => Counter(type) switch
    {
        null => null,
        { FirstKnown: false } => throw new InvalidOperationException(
            $"{type}.first is not known: the customer's first '{type}' events were recorded before first events were kept (a replay of the customer learns it)."),
        var counter => counter.FirstAt,
    };

    private CounterView? Counter(string type) =>
        Array.Find(profile.Counters, counter => string.Equals(counter.Type, type, StringComparison.Ordinal));
}
