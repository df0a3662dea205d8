using ProfileGrid.Customers;

namespace ProfileGrid.Grains.Tests.Customers;

public sealed class ValueScoringTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static CounterView Counter(string type, long count, decimal sum, DateTimeOffset? lastAt) =>
        new(type, default, default, default, default, new WindowTotal(count, sum), new int[60], lastAt);

    [Fact]
    public void A_customer_who_never_purchased_scores_the_least()
    {
        var scores = ValueScoring.Score(new ValueOptions(), [Counter("page_view", 40, 0m, Now)], Now.AddDays(-10), Now);

        Assert.Equal(new ValueScores(0m, 0m, 0, null, 1, 1, 1, "prospect"), scores);
    }

    [Fact]
    public void Clv_forecasts_the_customers_own_pace_over_the_horizon()
    {
        // 4 purchases worth 600 over 200 days: 7.3 a year at 150 each, for 2 more years.
        var counters = new[] { Counter("purchase", 4, 600m, Now.AddDays(-20)), Counter("email_open", 9, 0m, Now) };

        var scores = ValueScoring.Score(new ValueOptions(), counters, Now.AddDays(-200), Now);

        Assert.Equal(600m, scores.HistoricClv);
        Assert.Equal(Math.Round(600m + 150m * (4m / 200m * 365m) * 2m, 2), scores.PredictedClv);
        Assert.Equal(2790m, scores.PredictedClv);
        Assert.Equal(4, scores.Orders);
        Assert.Equal(Now.AddDays(-20), scores.LastPurchaseAt);
        // Recency: 20 days is within 30 (and 90, 365) but not 7: 1 + 3. Frequency: 4 reaches 2 and 4. Monetary: 600 reaches 100 and 500.
        Assert.Equal((4, 3, 3), (scores.Recency, scores.Frequency, scores.Monetary));
        Assert.Equal("silver", scores.Tier);
    }

    [Fact]
    public void A_new_customers_pace_is_taken_over_the_minimum_period()
    {
        // One purchase of 80 today: over 90 days that is 4.06 a year, not 365.
        var scores = ValueScoring.Score(new ValueOptions(), [Counter("purchase", 1, 80m, Now)], Now, Now);

        Assert.Equal(Math.Round(80m + 80m * (1m / 90m * 365m) * 2m, 2), scores.PredictedClv);
        Assert.Equal(728.89m, scores.PredictedClv);
        Assert.Equal((5, 1, 1), (scores.Recency, scores.Frequency, scores.Monetary));
        Assert.Equal("bronze", scores.Tier);
    }

    [Theory]
    [InlineData(7.0, 5)]
    [InlineData(7.5, 4)]
    [InlineData(30.0, 4)]
    [InlineData(31.0, 3)]
    [InlineData(365.0, 2)]
    [InlineData(400.0, 1)]
    public void Recency_counts_the_thresholds_at_or_under_the_days_since_the_last_purchase(double days, int score) =>
        Assert.Equal(score, ValueScoring.Score(new ValueOptions(), [Counter("purchase", 1, 5m, Now.AddDays(-days))], Now.AddDays(-500), Now).Recency);

    [Fact]
    public void Options_choose_the_revenue_types_thresholds_and_tiers()
    {
        var options = new ValueOptions
        {
            PurchaseTypes = ["order", "subscription_renewal"],
            ForecastYears = 0m,
            FrequencyCounts = [1, 2, 3, 4],
            MonetaryAmounts = [10m, 20m, 30m, 40m],
            Tiers = [new("free", 0m), new("paying", 1m), new("vip", 35m)],
        };
        var counters = new[] { Counter("order", 2, 30m, Now.AddDays(-1)), Counter("subscription_renewal", 1, 9m, Now.AddDays(-3)), Counter("purchase", 5, 500m, Now) };

        var scores = ValueScoring.Score(options, counters, Now.AddDays(-100), Now);

        Assert.Equal(new ValueScores(39m, 39m, 3, Now.AddDays(-1), 5, 4, 4, "vip"), scores);
    }

    [Fact]
    public void Options_that_make_no_sense_are_named()
    {
        var options = new ValueOptions { PurchaseTypes = [], RecencyDays = [30, 7, 90, 365], MonetaryAmounts = [1m, 2m], Tiers = [new("gold", 5m)] };

        Assert.Equal(
            ["PurchaseTypes must name at least one event type, and no empty one.", "RecencyDays must be 4 ascending numbers of days from 0, not [30, 7, 90, 365].",
                "MonetaryAmounts must be 4 ascending amounts from 0, not [1, 2].", "Tiers must be named, ascending by MinRevenue, the first at 0."],
            options.Problems());
        Assert.Empty(new ValueOptions().Problems());
    }

    [Fact]
    public void A_refund_nets_revenue_and_monetary_and_counts_as_a_purchase_event()
    {
        // Three purchase events: 300 and 200 bought, 150 refunded (a purchase with a negative value).
        var scores = ValueScoring.Score(new ValueOptions(), [Counter("purchase", 3, 350m, Now.AddDays(-2))], Now.AddDays(-200), Now);

        Assert.Equal(350m, scores.HistoricClv);
        Assert.Equal(Math.Round(350m + 350m / 3m * (3m / 200m * 365m) * 2m, 2, MidpointRounding.AwayFromZero), scores.PredictedClv);
        Assert.Equal(3, scores.Orders);
        // Frequency: 3 events reach 2 (not 4). Monetary: 350 reaches 100 (not 500).
        Assert.Equal((5, 2, 2), (scores.Recency, scores.Frequency, scores.Monetary));
        Assert.Equal("silver", scores.Tier);
    }

    [Theory]
    [InlineData(1, -5.0)]
    [InlineData(2, -0.01)]
    [InlineData(3, -1000000.0)]
    public void Refunds_beyond_what_was_bought_leave_the_customer_worth_nothing_in_the_first_tier(long events, double net)
    {
        var scores = ValueScoring.Score(new ValueOptions(), [Counter("purchase", events, (decimal)net, Now.AddHours(-1))], Now.AddDays(-10), Now);

        Assert.Equal(new ValueScores(0m, 0m, events, Now.AddHours(-1), 5, events >= 2 ? 2 : 1, 1, "prospect"), scores);
    }

    [Fact]
    public void A_net_revenue_of_exactly_zero_is_in_the_first_tier_and_the_next_tier_starts_at_its_minimum()
    {
        var zero = ValueScoring.Score(new ValueOptions(), [Counter("purchase", 2, 0m, Now)], Now, Now);
        var bronze = ValueScoring.Score(new ValueOptions(), [Counter("purchase", 1, 0.01m, Now)], Now, Now);

        Assert.Equal(("prospect", 0m), (zero.Tier, zero.PredictedClv));
        Assert.Equal("bronze", bronze.Tier);
    }

    [Fact]
    public void Tiers_whose_first_minimum_is_above_zero_still_place_a_customer_below_it_in_the_first()
    {
        // Options are validated at start (the first tier at 0), but a score never throws on any.
        var options = new ValueOptions { Tiers = [new("entry", 10m), new("top", 100m)] };

        Assert.Equal("entry", ValueScoring.Score(options, [Counter("purchase", 1, 5m, Now)], Now, Now).Tier);
        Assert.Equal("top", ValueScoring.Score(options, [Counter("purchase", 1, 100m, Now)], Now, Now).Tier);
    }
}
