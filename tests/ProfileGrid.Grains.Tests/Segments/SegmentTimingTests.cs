using ProfileGrid.Rules;
using ProfileGrid.Segments;

namespace ProfileGrid.Grains.Tests.Segments;

/// <summary>Whether time alone may let a non-member into a segment (what the back-fill's time sweep asks).</summary>
public sealed class SegmentTimingTests
{
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
