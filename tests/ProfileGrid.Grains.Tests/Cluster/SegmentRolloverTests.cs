using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Rules;
using ProfileGrid.Segments;
using static ProfileGrid.Grains.Tests.Cluster.ClusterFixture;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>A rule is evaluated on the profile as of the read: a customer leaves a windowed segment as time passes, without a new event.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SegmentRolloverTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_customer_leaves_abandoned_a_cart_in_the_last_hour_an_hour_later()
    {
        var rule = RuleParser.Parse("cart_abandoned.1h >= 1 and purchase.1h == 0");
        var customer = fixture.Grains.GetGrain<ICustomerGrain>($"c-{Guid.NewGuid():N}");
        await customer.ApplyEvents(Producer, [new CustomerEvent("a1", "cart_abandoned", ClusterFixture.Clock.GetUtcNow(), null, "web", null)]);

        var now = ProfileRuleInput.Evaluate(rule, (await customer.GetProfile())!);
        ClusterFixture.Clock.Advance(TimeSpan.FromMinutes(59));
        var stillIn = ProfileRuleInput.Evaluate(rule, (await customer.GetProfile())!);
        ClusterFixture.Clock.Advance(TimeSpan.FromMinutes(2));
        var later = ProfileRuleInput.Evaluate(rule, (await customer.GetProfile())!);

        Assert.True(now.Matches);
        Assert.Equal(["cart_abandoned.1h = 1", "purchase.1h = 0"], now.Reasons.Select(reason => reason.ToString()));
        Assert.True(stillIn.Matches);
        Assert.False(later.Matches);
        Assert.Empty(later.Reasons);
    }
}
