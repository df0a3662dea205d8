using ProfileGrid.Counters;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Rules;
using ProfileGrid.Segments;

namespace ProfileGrid.Grains.Tests.Segments;

/// <summary>A customer's profile as the rule language reads it: every operand comes from the profile the API shows.</summary>
public sealed class ProfileRuleInputTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Two purchases (500 twenty days ago, 120 ten days ago), a cart abandoned half an hour ago, two traits.</summary>
    private static CustomerProfile Ann(HistoryTypes? history = null)
    {
        var state = new CustomerState { History = history ?? HistoryTypes.None };
        state.Apply("shop", [new CustomerEvent("p1", "purchase", Now.AddDays(-20), 500m, "web", null)], Now);
        state.Apply("shop", [new CustomerEvent("p2", "purchase", Now.AddDays(-10), 120m, "web", null)], Now);
        state.Apply("shop", [new CustomerEvent("c1", "cart_abandoned", Now.AddMinutes(-30), null, "web", null)], Now);
        state.Merge(new TraitPatch(new() { ["country"] = "\"DK\"", ["age"] = "42" }, []));
        return state.ToProfile("ann", Now);
    }

    [Fact]
    public void Counters_times_and_traits_are_the_profiles()
    {
        var input = new ProfileRuleInput(Ann());

        Assert.Equal(Now, input.AsOf);
        Assert.Equal((Now.AddDays(-20), Now.AddMinutes(-30)), (input.FirstSeen, input.LastSeen));
        Assert.Equal(
            [new EventTotals(0, 0m), new EventTotals(0, 0m), new EventTotals(0, 0m), new EventTotals(2, 620m), new EventTotals(2, 620m)],
            MonthlyWindows.Select(window => input.Events("purchase", window)));
        Assert.Equal(
            [new EventTotals(1, 0m), new EventTotals(1, 0m), new EventTotals(1, 0m), new EventTotals(1, 0m), new EventTotals(1, 0m)],
            MonthlyWindows.Select(window => input.Events("cart_abandoned", window)));
        Assert.Equal(default, input.Events("page_view", Window.Total));
        Assert.Equal(Now.AddDays(-10), input.LastAt("purchase"));
        Assert.Null(input.LastAt("page_view"));
        Assert.Equal(Now.AddDays(-20), input.FirstAt("purchase"));
        Assert.Null(input.FirstAt("page_view"));
        Assert.Equal(("\"DK\"", "42", null), (input.Trait("country"), input.Trait("age"), input.Trait("city")));
    }

    private static readonly Window[] MonthlyWindows = [Window.Hour, Window.Day, Window.Week, Window.Month, Window.Total];

    [Fact]
    public void The_year_is_read_only_where_the_type_is_a_history_type_and_never_guessed_elsewhere()
    {
        var tracked = new ProfileRuleInput(Ann(HistoryTypes.Of(["purchase"])));
        var untracked = new ProfileRuleInput(Ann());

        Assert.Equal(new EventTotals(2, 620m), tracked.Events("purchase", Window.Year));
        var refused = Assert.Throws<InvalidOperationException>(() => untracked.Events("purchase", Window.Year));
        Assert.Contains("'purchase' is not a history type", refused.Message, StringComparison.Ordinal);
        // A type never seen counts nothing, in any window.
        Assert.Equal(default, untracked.Events("page_view", Window.Year));
    }

    [Fact]
    public void The_scores_are_the_profiles_value_scores()
    {
        var profile = Ann();
        var value = profile.Value!;

        var scores = new ProfileRuleInput(profile).Scores;

        Assert.Equal(new RuleScores(620m, value.PredictedClv, 2, value.Recency, value.Frequency, value.Monetary, value.Tier), scores);
        Assert.Equal((4, 3, "silver"), (scores!.Recency, scores.Monetary, scores.Tier));
        Assert.Null(new ProfileRuleInput(profile with { Value = null }).Scores);
    }

    [Fact]
    public void A_rule_evaluates_on_the_profile_as_of_its_moment()
    {
        var (matches, reasons) = ProfileRuleInput.Evaluate(
            RuleParser.Parse("purchase.sum.30d > 500 and tier == \"silver\" and cart_abandoned.last < 1h and trait.age >= 40"), Ann());

        Assert.True(matches);
        Assert.Equal(["purchase.sum.30d = 620", "tier = \"silver\"", "cart_abandoned.last = 30m ago", "trait.age = 42"], reasons.Select(reason => reason.ToString()));
    }
}
