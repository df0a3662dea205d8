using System.Text.Json;

namespace ProfileGrid.Rules.Tests;

/// <summary>Reasons are records (operand, value, whether personal), shown and written in JSON as the text the API has always shown.</summary>
public sealed class RuleReasonTests
{
    private static IReadOnlyList<RuleReason> Why(string rule, TestCustomer customer)
    {
        var (matches, reasons) = RuleEvaluator.Evaluate(RuleParser.ParseCanonical(rule), customer);
        Assert.True(matches, rule);
        return reasons;
    }

    private static TestCustomer AnnWithEmail()
    {
        var ann = TestCustomer.Ann();
        ann.Traits["email"] = "\"ann@example.com\"";
        return ann;
    }

    [Fact]
    public void A_comparison_that_holds_gives_its_operand_and_value()
    {
        var reasons = Why("trait.country == \"DK\" and purchase.last < 11d and trait.age > 40", TestCustomer.Ann());

        Assert.Equal<RuleReason>(
            [new OperandReason("trait.country", "\"DK\"", false), new OperandReason("purchase.last", "10d ago", false), new OperandReason("trait.age", "42", false)],
            reasons);
    }

    [Theory]
    [InlineData("email", true)]
    [InlineData("Email", true)]
    [InlineData("phone", true)]
    [InlineData("accountIds", true)]
    [InlineData("country", false)]
    [InlineData("plan", false)]
    public void An_identity_traits_value_is_personal(string trait, bool personal)
    {
        var reason = Assert.IsType<OperandReason>(Assert.Single(Why($"trait.{trait} != \"x\"", new TestCustomer(TestCustomer.Now))));

        Assert.Equal(personal, reason.Personal);
        Assert.Equal(personal, IdentityTraits.Contains(trait));
        Assert.Equal(new OperandReason($"trait.{trait}", "not set", personal), reason);
    }

    [Fact]
    public void A_not_that_holds_gives_what_it_negates_and_each_value_it_read_once()
    {
        var reason = Assert.Single(Why("not (trait.email == \"bo@example.com\" or purchase.1h >= 1 or purchase.1h == 5 or not orders == 2)", AnnWithEmail()));

        Assert.Equal(
            new NegationReason("trait.email == \"bo@example.com\" or purchase.1h >= 1 or purchase.1h == 5 or not orders == 2",
                [new OperandReason("trait.email", "\"ann@example.com\"", true), new OperandReason("purchase.1h", "0", false), new OperandReason("orders", "2", false)]),
            reason);
        Assert.Equal("not (trait.email == \"bo@example.com\" or purchase.1h >= 1 or purchase.1h == 5 or not orders == 2): "
            + "trait.email = \"ann@example.com\", purchase.1h = 0, orders = 2", reason.ToString());
    }

    [Fact]
    public void Masking_replaces_the_personal_values_and_keeps_the_rest()
    {
        var reasons = Why("trait.email != \"bo@example.com\" and not (trait.email == \"bo@example.com\" or trait.country == \"SE\")", AnnWithEmail());

        var masked = reasons.Select(reason => reason.Map(value => value.Personal ? value with { Value = "\"•••\"" } : value).ToString());

        Assert.Equal(["trait.email = \"•••\"", "not (trait.email == \"bo@example.com\" or trait.country == \"SE\"): trait.email = \"•••\", trait.country = \"DK\""], masked);
        Assert.Equal("trait.email = \"ann@example.com\"", reasons[0].ToString());
    }

    [Fact]
    public void In_JSON_a_reason_is_its_text()
    {
        var reasons = Why("trait.country == \"DK\" and not purchase.1h >= 1", TestCustomer.Ann()).ToArray();

        Assert.Equal("""["trait.country = \u0022DK\u0022","not (purchase.1h \u003E= 1): purchase.1h = 0"]""", JsonSerializer.Serialize(reasons));
        var reading = Assert.Throws<NotSupportedException>(() => JsonSerializer.Deserialize<RuleReason[]>("""["orders = 1"]"""));
        Assert.StartsWith("A reason is written as its text and not read back.", reading.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(24 * 60, "1d ago")]
    [InlineData(32 * 60, "1.3d ago")]
    [InlineData(60, "1h ago")]
    [InlineData(100, "1.7h ago")]
    [InlineData(59, "59m ago")]
    [InlineData(0, "0m ago")]
    [InlineData(-5, "0m ago")] // an event stamped after the moment evaluated at is not in the future of it
    public void A_time_since_is_shown_in_the_largest_whole_unit(int minutesAgo, string shown)
    {
        var customer = new TestCustomer(TestCustomer.Now);
        customer.Latest["visit"] = TestCustomer.Now.AddMinutes(-minutesAgo);

        Assert.Equal([new OperandReason("visit.last", shown, false)], Why("visit.last <= 2d", customer));
        Assert.Equal(minutesAgo <= 0, RuleEvaluator.Evaluate(RuleParser.Parse("visit.last == 0s"), customer).Matches);
    }

    [Fact]
    public void Seconds_are_shown_as_whole_minutes()
    {
        var customer = new TestCustomer(TestCustomer.Now);
        customer.Latest["visit"] = TestCustomer.Now.AddSeconds(-100);

        Assert.Equal([new OperandReason("visit.last", "2m ago", false)], Why("visit.last < 1d", customer));
    }

    [Fact]
    public void Without_value_scores_the_derived_values_read_as_none_yet()
    {
        var reasons = Why("clv == 0 and clv.predicted == 0 and orders == 0 and rfm.recency == 1 and rfm.frequency == 1 and rfm.monetary == 1 "
            + "and tier != \"gold\" and last_seen > 1d and first_seen > 1d", new TestCustomer(TestCustomer.Now));

        Assert.Equal(["clv = 0", "clv.predicted = 0", "orders = 0", "rfm.recency = 1", "rfm.frequency = 1", "rfm.monetary = 1", "tier = not set",
            "last_seen = never", "first_seen = never"], reasons.Select(reason => reason.ToString()));
    }

    [Fact]
    public void A_derived_value_the_language_does_not_have_cannot_be_evaluated()
    {
        var rule = new Comparison(new DerivedOperand("loyalty"), CompareOp.Equal, new NumberLiteral(1));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => RuleEvaluator.Evaluate(rule, TestCustomer.Ann()));

        Assert.Equal(("operand", "loyalty"), (error.ParamName, error.ActualValue));
    }

    [Fact]
    public void Negation_reasons_are_equal_by_their_values()
    {
        var one = new NegationReason("orders > 1", [new OperandReason("orders", "0", false)]);
        var same = new NegationReason("orders > 1", [new OperandReason("orders", "0", false)]);

        Assert.Equal(one, same);
        Assert.Equal(one.GetHashCode(), same.GetHashCode());
        Assert.NotEqual(one, new NegationReason("orders > 1", [new OperandReason("orders", "1", false)]));
        Assert.NotEqual(one, new NegationReason("orders > 2", [new OperandReason("orders", "0", false)]));
        Assert.False(one.Equals(null));
    }
}
