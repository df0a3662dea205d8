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
        Assert.Throws<NotSupportedException>(() => JsonSerializer.Deserialize<RuleReason[]>("""["orders = 1"]"""));
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
