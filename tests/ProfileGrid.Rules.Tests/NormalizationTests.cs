namespace ProfileGrid.Rules.Tests;

/// <summary>
/// What a definition stores: the rule normalized where that keeps its meaning exactly (<c>not not x</c> is <c>x</c>),
/// as a canonical text that reads back to the same rule.
/// </summary>
public sealed class NormalizationTests
{
    private static string Canonical(string text)
    {
        Assert.True(RuleParser.TryParseCanonical(text, out var rule, out var error), $"'{text}' does not parse: {error}");
        return rule.ToString();
    }

    [Theory]
    [InlineData("not not trait.country == \"DK\"", "trait.country == \"DK\"")]
    [InlineData("not not not purchase.1h >= 1", "not purchase.1h >= 1")]
    [InlineData("not (not (orders > 1 or clv > 2))", "orders > 1 or clv > 2")]
    [InlineData("tier == \"gold\" and not not (orders > 1 or clv > 2)", "tier == \"gold\" and (orders > 1 or clv > 2)")]
    [InlineData("not (not orders > 1 and not not clv > 2)", "not (not orders > 1 and clv > 2)")]
    [InlineData("((orders > 1))", "orders > 1")]
    public void Double_negations_and_needless_parentheses_go(string text, string canonical) => Assert.Equal(canonical, Canonical(text));

    [Theory]
    // A negated comparison keeps its 'not': an unset trait meets only !=, so 'not trait.a < 1' holds for it while
    // 'trait.a >= 1' does not; and the reason for a 'not' names the rule it negates, as written.
    [InlineData("not trait.a < 1")]
    [InlineData("not trait.a == 1")]
    [InlineData("not trait.a != 1")]
    [InlineData("not purchase.1h > 0")]
    [InlineData("not (orders > 1 and clv > 2)")]
    [InlineData("not (orders > 1 or not clv > 2)")]
    public void Nothing_else_is_rewritten(string text) => Assert.Equal(text, Canonical(text));

    [Fact]
    public void The_canonical_text_of_any_rule_reads_back_to_the_normalized_rule_which_means_the_same()
    {
        var random = new Random(20261204);
        TestCustomer[] customers = [TestCustomer.Ann(), new TestCustomer(TestCustomer.Now), Odd()];
        for (var i = 0; i < 2000; i++)
        {
            var rule = WithNots(random, RandomRules.Rule(random));

            var normalized = rule.Normalize();
            var text = normalized.ToString();

            Assert.True(RuleParser.TryParseCanonical(text, out var read, out var error), $"'{text}' does not parse: {error}");
            Assert.Equal(normalized, read);
            Assert.Equal(text, read.ToString());
            Assert.Equal(normalized, normalized.Normalize());
            Assert.DoesNotContain(RuleShapes.Nodes(normalized), node => node is NotRule { Inner: NotRule });
            foreach (var customer in customers)
            {
                Assert.Equal(RuleEvaluator.Evaluate(rule, customer).Matches, RuleEvaluator.Evaluate(normalized, customer).Matches);
            }
        }
    }

    /// <summary>The rule with up to three 'not's put before any of its nodes.</summary>
    private static SegmentRule WithNots(Random random, SegmentRule rule)
    {
        var inner = rule switch
        {
            AndRule and => new AndRule(WithNots(random, and.Left), WithNots(random, and.Right)),
            OrRule or => new OrRule(WithNots(random, or.Left), WithNots(random, or.Right)),
            NotRule not => new NotRule(WithNots(random, not.Inner)),
            _ => rule,
        };
        for (var nots = random.Next(4); nots > 0; nots--) inner = new NotRule(inner);
        return inner;
    }

    /// <summary>Traits of the other kind than rules compare them with, and events of every type in every window.</summary>
    private static TestCustomer Odd()
    {
        var customer = new TestCustomer(TestCustomer.Now) { FirstSeen = TestCustomer.Now.AddDays(-400), LastSeen = TestCustomer.Now };
        customer.Traits["country"] = "5";
        customer.Traits["firstName"] = "[1,2]";
        customer.Traits["a.b"] = "\"aZ\"";
        foreach (var type in new[] { "purchase", "cart_abandoned", "order.completed", "page-view", "x1" })
        {
            foreach (var window in Enum.GetValues<Window>()) customer.Totals[(type, window)] = new EventTotals(3, -25.5m);
            customer.Latest[type] = TestCustomer.Now.AddHours(-30);
        }

        return customer;
    }
}
