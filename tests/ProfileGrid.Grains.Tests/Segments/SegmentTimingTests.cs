using ProfileGrid.Rules;
using ProfileGrid.Segments;

namespace ProfileGrid.Grains.Tests.Segments;

/// <summary>What time alone can do to a rule: how soon a member must be asked again, and whether a non-member may enter.</summary>
public sealed class SegmentTimingTests
{
    [Theory]
    [InlineData("cart_abandoned.1h >= 1 and purchase.1h == 0", 1.0)]
    [InlineData("purchase.24h >= 1", 5.0)]
    [InlineData("purchase.sum.30d > 500 or purchase.7d >= 3", 60.0)]
    [InlineData("last_seen < 7d", 1.0)]
    [InlineData("purchase.last < 2h", 1.0)]
    [InlineData("rfm.recency >= 4", 60.0)]
    [InlineData("trait.country == \"DK\" and purchase.total >= 1", null)]
    [InlineData("clv >= 1000 and tier == \"gold\"", null)]
    public void A_member_is_asked_again_at_the_finest_step_of_the_windows_its_rule_reads(string rule, double? minutes) =>
        Assert.Equal(minutes is { } m ? TimeSpan.FromMinutes(m) : null, SegmentTiming.RecheckPeriod(RuleParser.Parse(rule)));

    [Theory]
    [InlineData("purchase.1h == 0", true)]
    [InlineData("purchase.1h >= 1", false)]
    [InlineData("purchase.sum.30d < 100", true)]
    [InlineData("purchase.sum.30d > 100", false)]
    [InlineData("last_seen > 7d", true)]
    [InlineData("last_seen < 7d", false)]
    [InlineData("not purchase.1h >= 1", true)]
    [InlineData("not last_seen > 7d", false)]
    [InlineData("not (page_view.1h >= 1 or last_seen < 1d)", true)]
    [InlineData("rfm.recency <= 2", true)]
    [InlineData("rfm.recency >= 4", false)]
    [InlineData("purchase.total == 0", false)]
    [InlineData("trait.country == \"DK\"", false)]
    [InlineData("cart_abandoned.1h >= 1 and purchase.1h == 0", true)]
    [InlineData("cart_abandoned.1h >= 1 and purchase.total == 0", false)]
    public void A_rule_may_let_customers_in_with_time_only_where_a_value_moves_toward_it(string rule, bool may) =>
        Assert.Equal(may, SegmentTiming.CanEnterWithTime(RuleParser.Parse(rule)));
}
