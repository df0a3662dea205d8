using ProfileGrid.Rules;

namespace ProfileGrid.Rules.Tests;

/// <summary>A customer as a rule reads it, written down by hand.</summary>
internal sealed class TestCustomer(DateTimeOffset asOf) : IRuleInput
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public DateTimeOffset AsOf => asOf;

    public Dictionary<string, string> Traits { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string Type, Window Window), EventTotals> Totals { get; } = [];

    public Dictionary<string, DateTimeOffset> Latest { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, DateTimeOffset> Earliest { get; } = new(StringComparer.Ordinal);

    public DateTimeOffset? FirstSeen { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    public RuleScores? Scores { get; init; }

    /// <summary>
    /// Ann: two purchases (500 twenty days ago, 120 ten days ago), a cart abandoned half an hour ago, two traits
    /// (country "DK", age 42), and the value scores those give (clv 620, 2 orders, recency 4, monetary 3, silver).
    /// </summary>
    public static TestCustomer Ann()
    {
        var ann = new TestCustomer(Now)
        {
            FirstSeen = Now.AddDays(-20),
            LastSeen = Now.AddMinutes(-30),
            Scores = new RuleScores(620m, 900m, 2, Recency: 4, Frequency: 2, Monetary: 3, "silver"),
        };
        ann.Traits["country"] = "\"DK\"";
        ann.Traits["age"] = "42";
        ann.Totals[("purchase", Window.Month)] = new EventTotals(2, 620m);
        ann.Totals[("purchase", Window.Year)] = new EventTotals(2, 620m);
        ann.Totals[("purchase", Window.Total)] = new EventTotals(2, 620m);
        ann.Latest["purchase"] = Now.AddDays(-10);
        ann.Earliest["purchase"] = Now.AddDays(-20);
        foreach (var window in Enum.GetValues<Window>()) ann.Totals[("cart_abandoned", window)] = new EventTotals(1, 0m);
        ann.Latest["cart_abandoned"] = Now.AddMinutes(-30);
        ann.Earliest["cart_abandoned"] = Now.AddMinutes(-30);
        return ann;
    }

    public string? Trait(string name) => Traits.GetValueOrDefault(name);

    public EventTotals Events(string type, Window window) => Totals.GetValueOrDefault((type, window));

    public DateTimeOffset? LastAt(string type) => Latest.TryGetValue(type, out var at) ? at : null;

    public DateTimeOffset? FirstAt(string type) => Earliest.TryGetValue(type, out var at) ? at : null;
}
