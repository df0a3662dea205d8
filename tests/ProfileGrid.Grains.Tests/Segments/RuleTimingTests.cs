using ProfileGrid.Rules;
using System.Globalization;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Segments;

namespace ProfileGrid.Grains.Tests.Segments;

/// <summary>
/// When time alone next changes a rule's answer for a customer: the exact instant a slot leaves a window, a time since
/// crosses a duration, recency drops a score or the forecast crosses a value; never for what time does not move.
/// </summary>
public sealed class RuleTimingTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("purchase.1h == 0", "2026-11-23T13:00:00Z")]
    [InlineData("purchase.1h >= 1", "2026-11-23T13:00:00Z")]
    [InlineData("purchase.sum.1h > 10", "2026-11-23T13:00:00Z")]
    [InlineData("not purchase.1h >= 1", "2026-11-23T13:00:00Z")]
    [InlineData("purchase.total >= 1", null)]
    [InlineData("purchase.sum.total > 10", null)]
    [InlineData("page_view.1h == 0", null)]
    public void An_event_leaves_the_hour_window_when_its_minute_is_sixty_minutes_old(string rule, string? expected)
    {
        var customer = Customer(("purchase", Noon.AddSeconds(30), 25m));

        Assert.Equal(Instant(expected), Next(rule, customer, Noon.AddMinutes(10)));
    }

    [Theory]
    [InlineData("2026-11-23T12:59:59.9999999Z", "2026-11-23T13:00:00Z")]
    [InlineData("2026-11-23T13:00:00Z", null)]
    public void At_the_instant_the_event_leaves_nothing_is_left_to_change(string now, string? expected)
    {
        var customer = Customer(("purchase", Noon.AddSeconds(30), 25m));

        Assert.Equal(Instant(expected), Next("purchase.1h >= 1", customer, Instant(now)!.Value));
    }

    [Theory]
    [InlineData("purchase.1h >= 1", "2026-11-23T13:10:00Z")]
    [InlineData("purchase.1h >= 2", "2026-11-23T13:00:00Z")]
    [InlineData("purchase.1h == 1", "2026-11-23T13:00:00Z")]
    [InlineData("purchase.1h < 1", "2026-11-23T13:10:00Z")]
    [InlineData("purchase.1h > 5", null)]
    [InlineData("purchase.1h == 5", null)]
    public void A_count_changes_answer_only_when_the_count_left_crosses_the_value(string rule, string? expected)
    {
        var customer = Customer(("purchase", Noon, 10m), ("purchase", Noon.AddMinutes(10), 10m));

        Assert.Equal(Instant(expected), Next(rule, customer, Noon.AddMinutes(20)));
    }

    [Theory]
    [InlineData("credit.sum.1h < 0", "2026-11-23T13:20:00Z")]
    [InlineData("credit.sum.1h == -15", "2026-11-23T13:00:00Z")]
    [InlineData("credit.sum.1h > 0", null)]
    public void A_sum_with_a_negative_value_may_rise_as_the_positive_one_leaves(string rule, string? expected)
    {
        // 10 at noon and -15 at 12:20 (a refund): -5 now, -15 once the 10 left, 0 once the -15 left.
        var customer = Customer(("credit", Noon, 10m), ("credit", Noon.AddMinutes(20), -15m));

        Assert.Equal(Instant(expected), Next(rule, customer, Noon.AddMinutes(30)));
    }

    [Theory]
    [InlineData("purchase.24h >= 1", "2026-11-02T10:00:00Z")]
    [InlineData("purchase.7d >= 1", "2026-11-08T10:00:00Z")]
    [InlineData("purchase.30d >= 1", "2026-12-01T00:00:00Z")]
    [InlineData("purchase.sum.30d == 0", "2026-12-01T00:00:00Z")]
    public void Longer_windows_let_an_event_go_when_its_hour_or_day_leaves(string rule, string expected)
    {
        var at = new DateTimeOffset(2026, 11, 1, 10, 30, 0, TimeSpan.Zero);
        var customer = Customer(("purchase", at, 5m));
        var folded = Customer(("purchase", at, 5m));
        // Stored two hours later: the minute was folded into its hour, which leaves the windows at the same instants.
        folded.Compact(at.AddHours(2));

        Assert.Equal(Instant(expected), Next(rule, customer, at.AddMinutes(30)));
        Assert.Equal(Instant(expected), Next(rule, folded, at.AddHours(2)));
        Assert.Empty(folded.Counters.Series["purchase"].Minutes);
    }

    [Theory]
    [InlineData("purchase.365d >= 1", "2027-11-01T00:00:00Z")]
    [InlineData("purchase.sum.365d == 0", "2027-11-01T00:00:00Z")]
    [InlineData("purchase.365d >= 2", null)]
    public void A_history_types_event_leaves_the_year_when_its_day_is_365_days_old(string rule, string? expected)
    {
        var at = new DateTimeOffset(2026, 11, 1, 10, 30, 0, TimeSpan.Zero);
        var customer = Customer(("purchase", at, 5m));
        customer.History = ProfileGrid.Counters.HistoryTypes.Of(["purchase"]);
        // Stored 40 days later: folded into its day, which the year keeps.
        customer.Compact(at.AddDays(40));

        Assert.Equal(Instant(expected), Next(rule, customer, at.AddDays(40)));
        Assert.Single(customer.Counters.Series["purchase"].Days);
    }

    [Theory]
    [InlineData("purchase.first > 30m", "2026-11-23T12:30:00.5000001Z")]
    [InlineData("purchase.first < 30m", "2026-11-23T12:30:00.5Z")]
    [InlineData("page_view.first > 30m", null)]
    public void The_time_since_the_first_event_crosses_a_duration_as_the_time_since_the_last_does(string rule, string? expected)
    {
        var customer = Customer(("purchase", Noon.AddMilliseconds(500), 1m), ("purchase", Noon.AddMinutes(5), 1m));

        Assert.Equal(Instant(expected), Next(rule, customer, Noon.AddMinutes(10)));
    }

    [Theory]
    [InlineData("purchase.last > 30m", "2026-11-23T12:30:00.5000001Z")]
    [InlineData("purchase.last >= 30m", "2026-11-23T12:30:00.5Z")]
    [InlineData("purchase.last < 30m", "2026-11-23T12:30:00.5Z")]
    [InlineData("purchase.last <= 30m", "2026-11-23T12:30:00.5000001Z")]
    [InlineData("purchase.last == 30m", "2026-11-23T12:30:00.5Z")]
    [InlineData("purchase.last != 30m", "2026-11-23T12:30:00.5Z")]
    [InlineData("page_view.last > 30m", null)]
    [InlineData("page_view.last < 30m", null)]
    public void A_time_since_crosses_a_duration_at_it_or_a_tick_after_it(string rule, string? expected)
    {
        var customer = Customer(("purchase", Noon.AddMilliseconds(500), 1m));

        Assert.Equal(Instant(expected), Next(rule, customer, Noon.AddMinutes(10)));
    }

    [Theory]
    [InlineData("purchase.last == 30m", "2026-11-23T12:30:00.5000001Z")]
    [InlineData("purchase.last > 30m", "2026-11-23T12:30:00.5000001Z")]
    [InlineData("purchase.last >= 30m", null)]
    [InlineData("purchase.last < 30m", null)]
    public void At_the_duration_itself_only_the_tick_after_is_left(string rule, string? expected)
    {
        var customer = Customer(("purchase", Noon.AddMilliseconds(500), 1m));

        Assert.Equal(Instant(expected), Next(rule, customer, Noon.AddMinutes(30).AddMilliseconds(500)));
    }

    [Theory]
    [InlineData("first_seen > 1h", "2026-11-23T13:00:00.0000001Z")]
    [InlineData("last_seen >= 1h", "2026-11-23T13:40:00Z")]
    [InlineData("last_seen > 7d", "2026-11-30T12:40:00.0000001Z")]
    [InlineData("last_seen < 10m", null)]
    public void First_and_last_seen_cross_their_durations(string rule, string? expected)
    {
        var customer = Customer(("page_view", Noon, null), ("page_view", Noon.AddMinutes(40), null));

        Assert.Equal(Instant(expected), Next(rule, customer, Noon.AddMinutes(50)));
    }

    [Theory]
    [InlineData("last_seen >= 1m", "2026-11-23T12:14:00Z")]
    [InlineData("page_view.1h >= 1", "2026-11-23T13:13:00Z")]
    public void An_event_a_little_ahead_of_the_clock_counts_as_happening_now_and_ages_from_its_timestamp(string rule, string expected)
    {
        var now = Noon.AddMinutes(10);
        var customer = new CustomerState();
        customer.Apply(new CustomerEvent("ahead", "page_view", Noon.AddMinutes(13), null, null, null), now);

        Assert.Equal(Instant(expected), Next(rule, customer, now));
    }

    [Theory]
    [InlineData("rfm.recency >= 5", "2026-11-30T12:00:00.0000001Z")]
    [InlineData("rfm.recency == 3", "2026-12-23T12:00:00.0000001Z")]
    [InlineData("rfm.recency <= 1", "2027-11-23T12:00:00.0000001Z")]
    [InlineData("rfm.recency > 5", null)]
    public void Recency_drops_a_tick_after_the_days_since_the_last_purchase_pass_a_threshold(string rule, string? expected)
    {
        var customer = Customer(("purchase", Noon, 20m));

        Assert.Equal(Instant(expected), Next(rule, customer, Noon.AddDays(1)));
    }

    [Theory]
    [InlineData("rfm.recency == 1")]
    [InlineData("clv.predicted < 10")]
    [InlineData("rfm.recency >= 2 and last_seen < 7d")]
    public void A_customer_who_never_purchased_has_no_recency_or_forecast_to_move(string rule) =>
        Assert.Null(Next(rule, Customer(("page_view", Noon, null)), Noon.AddDays(1)));

    [Fact]
    public void The_forecast_crosses_a_value_at_the_first_tick_its_rounded_value_does()
    {
        // 100 at first sight: 100 + 100 × (1/90 × 365) × 2 = 911.11 for 90 days, then falling as the pace slows.
        var customer = Customer(("purchase", Noon, 100m));
        var timeline = CustomerTimeline.Of(customer, new ValueOptions(), Noon.AddDays(1));

        var next = RuleTiming.NextChange(RuleParser.Parse("clv.predicted >= 900"), timeline);

        Assert.NotNull(next);
        Assert.True(next > Noon.AddDays(90), $"{next:o}");
        Assert.Equal(900m, timeline.ScoresAt(next.Value.AddTicks(-1)).PredictedClv);
        Assert.Equal(899.99m, timeline.ScoresAt(next.Value).PredictedClv);
    }

    [Fact]
    public void A_forecast_held_constant_by_the_minimum_pace_period_changes_only_after_it()
    {
        var customer = Customer(("purchase", Noon, 100m));
        var timeline = CustomerTimeline.Of(customer, new ValueOptions(), Noon.AddDays(1));

        var next = RuleTiming.NextChange(RuleParser.Parse("clv.predicted == 911.11"), timeline);

        Assert.NotNull(next);
        Assert.Equal(911.11m, timeline.ScoresAt(next.Value.AddTicks(-1)).PredictedClv);
        Assert.Equal(911.10m, timeline.ScoresAt(next.Value).PredictedClv);
    }

    [Theory]
    [InlineData("cart_abandoned.1h >= 1 and purchase.1h == 0", null)]
    [InlineData("purchase.1h == 0 and cart_abandoned.1h >= 1", null)]
    [InlineData("purchase.1h >= 1 or cart_abandoned.1h >= 1", "2026-11-23T13:05:00Z")]
    public void A_side_that_keeps_an_and_false_for_good_leaves_nothing_to_wake_for(string rule, string? expected)
    {
        // No cart was abandoned, and counts never rise by time: the purchase leaving the hour changes nothing.
        var customer = Customer(("purchase", Noon.AddMinutes(5), 10m));

        Assert.Equal(Instant(expected), Next(rule, customer, Noon.AddMinutes(10)));
    }

    [Fact]
    public void An_and_kept_false_by_one_side_changes_no_earlier_than_that_side()
    {
        var customer = Customer(("cart_abandoned", Noon, null), ("purchase", Noon.AddMinutes(5), 10m));

        // The cart leaves at 13:00 (the rule stays false), the purchase at 13:05.
        Assert.Equal(Noon.AddMinutes(65), Next("cart_abandoned.1h >= 1 and purchase.1h == 0", customer, Noon.AddMinutes(10)));
    }

    [Fact]
    public void An_and_that_holds_changes_when_either_side_does()
    {
        var customer = Customer(("cart_abandoned", Noon, null));

        Assert.Equal(Noon.AddHours(1), Next("cart_abandoned.1h >= 1 and purchase.1h == 0", customer, Noon.AddMinutes(10)));
    }

    [Theory]
    [InlineData("a.1h == 0 and b.1h == 0", "2026-11-23T13:10:00Z")]
    [InlineData("a.1h >= 1 or b.1h >= 1", "2026-11-23T13:10:00Z")]
    [InlineData("a.1h >= 1 and b.1h >= 1", "2026-11-23T13:00:00Z")]
    [InlineData("a.1h == 0 or b.1h == 0", "2026-11-23T13:00:00Z")]
    public void When_both_sides_decide_the_rule_changes_once_both_have(string rule, string expected)
    {
        var customer = Customer(("a", Noon, null), ("b", Noon.AddMinutes(10), null));

        Assert.Equal(Instant(expected), Next(rule, customer, Noon.AddMinutes(20)));
    }

    [Theory]
    [InlineData("trait.vip == \"yes\" and purchase.1h == 0", false, null)]
    [InlineData("trait.vip == \"yes\" and purchase.1h == 0", true, "2026-11-23T13:00:00Z")]
    [InlineData("trait.vip == \"yes\" or purchase.1h >= 1", true, null)]
    [InlineData("trait.vip == \"yes\" or purchase.1h >= 1", false, "2026-11-23T13:00:00Z")]
    [InlineData("purchase.total >= 1 and tier == \"gold\"", false, null)]
    public void Comparisons_time_does_not_move_decide_as_they_hold_now(string rule, bool vip, string? expected)
    {
        var customer = Customer(("purchase", Noon, 10m));
        if (vip) customer.Merge(new TraitPatch(new Dictionary<string, string?> { ["vip"] = "\"yes\"" }, new Dictionary<string, bool>(), "test", null));

        Assert.Equal(Instant(expected), Next(rule, customer, Noon.AddMinutes(10)));
    }

    [Theory]
    [InlineData("trait.vip == \"yes\" and purchase.1h == 0")]
    [InlineData("trait.vip == \"yes\" or purchase.1h >= 1")]
    public void Without_knowing_how_a_trait_stands_its_rule_is_woken_when_the_window_moves(string rule)
    {
        var customer = Customer(("purchase", Noon, 10m));

        Assert.Equal(Noon.AddHours(1), RuleTiming.NextChange(RuleParser.Parse(rule), CustomerTimeline.Of(customer, new ValueOptions(), Noon.AddMinutes(10))));
    }

    [Theory]
    [InlineData("purchase.1h == 0", true)]
    [InlineData("purchase.sum.30d > 5", true)]
    [InlineData("purchase.last < 2h", true)]
    [InlineData("last_seen > 7d or trait.country == \"DK\"", true)]
    [InlineData("not first_seen > 365d", true)]
    [InlineData("rfm.recency >= 4", true)]
    [InlineData("clv.predicted > 1000", true)]
    [InlineData("purchase.total >= 1 and trait.country == \"DK\"", false)]
    [InlineData("clv >= 1000 or tier == \"gold\" or orders > 3 or rfm.frequency >= 2 or rfm.monetary >= 2", false)]
    public void Only_windows_times_since_recency_and_the_forecast_move_with_time(string rule, bool moves) =>
        Assert.Equal(moves, RuleTiming.MovesWithTime(RuleParser.Parse(rule)));

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 25)];

    /// <summary>
    /// Against the evaluator itself, on the profile as of every minute and the tick before it: a comparison answers as
    /// it does now until its next change and otherwise from it; a rule answers as now until its next change.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_next_change_is_the_first_instant_the_evaluator_answers_otherwise(int seed)
    {
        var random = new Random(seed);
        var now = Noon.AddTicks(random.NextInt64(TimeSpan.TicksPerHour));
        var customer = new CustomerState();
        for (var i = random.Next(1, 7); i > 0; i--)
        {
            // Half within the last two hours (minute slots, and up to 4 minutes ahead of the clock), half within a day and a half.
            var age = TimeSpan.FromSeconds(random.Next(-240, random.Next(2) == 0 ? 2 * 3600 : 36 * 3600)) + TimeSpan.FromTicks(random.Next(10_000_000));
            var at = now - age;
            var type = random.Next(2) == 0 ? "a" : "b";
            customer.Apply(new CustomerEvent($"e{i}", type, at, random.Next(-20, 50), null, null), now);
        }

        string[] operands = ["a.1h", "b.1h", "a.24h", "a.sum.1h", "b.sum.24h"];
        string[] durations = ["a.last", "b.last", "last_seen", "first_seen"];
        string[] ops = ["==", "!=", "<", "<=", ">", ">="];
        SegmentRule Comparison() => random.Next(3) == 0
            ? RuleParser.Parse($"{durations[random.Next(durations.Length)]} {ops[random.Next(ops.Length)]} {random.Next(1, 30)}{(random.Next(2) == 0 ? "m" : "h")}")
            : RuleParser.Parse($"{operands[random.Next(operands.Length)]} {ops[random.Next(ops.Length)]} {random.Next(-20, 4)}");
        var rules = Enumerable.Range(0, 6).Select(_ => Comparison()).ToList();
        rules.Add(new AndRule(rules[0], new NotRule(rules[1])));
        rules.Add(new OrRule(rules[2], new AndRule(rules[3], rules[4])));

        var profileNow = customer.ToProfile("c", now, withActivity: false);
        var end = now.AddHours(40);
        var profiles = new Dictionary<DateTimeOffset, CustomerProfile>();
        foreach (var rule in rules)
        {
            var next = RuleTiming.NextChange(rule, CustomerTimeline.Of(customer, new ValueOptions(), now), c => Holds(c, profileNow));
            var then = Holds(rule, profileNow);
            var until = next is { } change && change < end ? change : end;
            foreach (var instant in Samples(now, until)) Assert.True(Holds(rule, At(instant)) == then, $"'{rule}' answered otherwise at {instant:o}, before its next change {next:o} (seed {seed})");
            if (next is not { } at || at >= end) continue;
            Assert.True(at > now);
            Assert.True(Holds(rule, At(at.AddTicks(-1))) == then, $"'{rule}' changed before {at:o} (seed {seed})");
            if (rule is Comparison) Assert.True(Holds(rule, At(at)) != then, $"'{rule}' did not change at {at:o} (seed {seed})");
        }

        // Each instant's profile once, for every rule.
        CustomerProfile At(DateTimeOffset instant)
        {
            if (!profiles.TryGetValue(instant, out var profile)) profiles[instant] = profile = customer.ToProfile("c", instant, withActivity: false);
            return profile;
        }
    }

    private static IEnumerable<DateTimeOffset> Samples(DateTimeOffset after, DateTimeOffset before)
    {
        var minute = new DateTimeOffset(after.UtcTicks - after.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(1);
        for (; minute < before; minute = minute.AddMinutes(1))
        {
            if (minute.AddTicks(-1) > after) yield return minute.AddTicks(-1);
            yield return minute;
        }
    }

    private static bool Holds(SegmentRule rule, CustomerProfile profile) => ProfileRuleInput.Evaluate(rule, profile).Matches;

    private static DateTimeOffset? Next(string rule, CustomerState customer, DateTimeOffset now)
    {
        var profile = customer.ToProfile("c", now, withActivity: false);
        return RuleTiming.NextChange(RuleParser.Parse(rule), CustomerTimeline.Of(customer, new ValueOptions(), now), comparison => Holds(comparison, profile));
    }

    /// <summary>A customer with the events, each received when it happened.</summary>
    private static CustomerState Customer(params (string Type, DateTimeOffset At, decimal? Value)[] events)
    {
        var state = new CustomerState();
        var id = 0;
        foreach (var (type, at, value) in events) state.Apply(new CustomerEvent($"e{id++}", type, at, value, null, null), at);
        return state;
    }

    private static DateTimeOffset? Instant(string? text) =>
        text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
