using Xunit.Abstractions;

namespace ProfileGrid.Rules.Tests;

/// <summary>The segment rule language: grammar, errors with positions, every operator and operand, and print → parse round trips.</summary>
public sealed class RuleLanguageTests(ITestOutputHelper output)
{
    private static SegmentRule Parse(string text)
    {
        Assert.True(RuleParser.TryParse(text, out var rule, out var error), $"'{text}' does not parse: {error}");
        return rule;
    }

    [Fact]
    public void And_binds_tighter_than_or_and_parentheses_group()
    {
        var a = new Comparison(new CountOperand("cart_abandoned", Window.Hour), CompareOp.GreaterOrEqual, new NumberLiteral(1));
        var b = new Comparison(new CountOperand("purchase", Window.Hour), CompareOp.Equal, new NumberLiteral(0));
        var c = new Comparison(new TraitOperand("country"), CompareOp.Equal, new TextLiteral("DK"));

        Assert.Equal(new OrRule(a, new AndRule(b, c)), Parse("""cart_abandoned.1h >= 1 or purchase.1h == 0 and trait.country == "DK" """));
        Assert.Equal(new AndRule(new OrRule(a, b), c), Parse("""(cart_abandoned.1h >= 1 or purchase.1h == 0) and trait.country == "DK" """));
        Assert.Equal(new AndRule(new AndRule(a, b), c), Parse("""cart_abandoned.1h>=1 and purchase.1h==0 and trait.country=="DK" """));
        Assert.Equal(new NotRule(new NotRule(c)), Parse("""not not trait.country == "DK" """));
        Assert.NotEqual(new NotRule(a), Parse("not purchase.1h == 0"));
        Assert.NotEqual<SegmentRule>(new NotRule(a), a);
        Assert.Equal(new AndRule(new NotRule(a), b), Parse("not cart_abandoned.1h >= 1 and purchase.1h == 0"));
    }

    [Theory]
    [InlineData("purchase.sum.30d > 500", "purchase.sum.30d > 500")]
    [InlineData("order.completed.total >= 2", "order.completed.total >= 2")]
    [InlineData("page-view.24h < 10", "page-view.24h < 10")]
    [InlineData("purchase.last <= 7d", "purchase.last <= 7d")]
    [InlineData("purchase.365d >= 2", "purchase.365d >= 2")]
    [InlineData("order.completed.sum.365d > 1000", "order.completed.sum.365d > 1000")]
    [InlineData("purchase.first > 8760h", "purchase.first > 365d")]
    [InlineData("order.first.first < 1d", "order.first.first < 1d")]
    [InlineData("last_seen < 168h", "last_seen < 7d")]
    [InlineData("first_seen > 90m", "first_seen > 90m")]
    [InlineData("clv >= 1000.50", "clv >= 1000.50")]
    [InlineData("clv.predicted != -3", "clv.predicted != -3")]
    [InlineData("rfm.recency >= 4", "rfm.recency >= 4")]
    [InlineData("tier == \"gold\"", "tier == \"gold\"")]
    [InlineData("trait.firstName == \"Ann \\\"A\\\" Lee\"", "trait.firstName == \"Ann \\\"A\\\" Lee\"")]
    [InlineData("trait.age >= 18", "trait.age >= 18")]
    [InlineData("  orders   ==0  ", "orders == 0")]
    [InlineData("first_seen > 36h", "first_seen > 36h")]
    [InlineData("last_seen < 120s", "last_seen < 2m")]
    [InlineData("last_seen < 90s", "last_seen < 90s")]
    [InlineData("last_seen < 36500d", "last_seen < 36500d")]
    [InlineData("x0.1h > 1 and z9.total > 1 and a_b-c.d.sum.7d > 1", "x0.1h > 1 and z9.total > 1 and a_b-c.d.sum.7d > 1")]
    [InlineData("(orders > 1 or clv > 1) and (tier == \"a\" and not (orders > 2 or clv < 0))", "(orders > 1 or clv > 1) and (tier == \"a\" and not (orders > 2 or clv < 0))")]
    public void Every_operand_reads_and_prints_canonically(string text, string canonical) =>
        Assert.Equal(canonical, Parse(text).ToString());

    [Theory]
    [InlineData("", 1, 1, "the rule is empty")]
    [InlineData("purchase.2h > 1", 1, 1, "unknown operand 'purchase.2h'")]
    [InlineData("purchase.1h > 1 and rfm.loyalty >= 3", 1, 21, "unknown operand 'rfm.loyalty'")]
    [InlineData("clv > 7d", 1, 7, "clv compares with a number, not a duration")]
    [InlineData("last_seen < 7", 1, 13, "last_seen compares with a duration such as 7d, not a number")]
    [InlineData("tier > \"gold\"", 1, 8, "a text compares only with == or !=")]
    [InlineData("trait.country < \"DK\"", 1, 17, "a text compares only with == or !=")]
    [InlineData("purchase.1h >", 1, 14, "unexpected end of input")]
    [InlineData("purchase.1h 5", 1, 13, "expected comparison operator")]
    [InlineData("purchase.1h > 1 and", 1, 20, "unexpected end of input")]
    [InlineData("(purchase.1h > 1", 1, 17, "unexpected end of input")]
    [InlineData("purchase.1h > 1)", 1, 16, "unexpected `)`")]
    [InlineData("trait.country == \"DK", 1, 18, "")]
    [InlineData("purchase.1h > 1 or\nand purchase.24h > 2", 2, 1, "")]
    [InlineData("and > 1", 1, 1, "")]
    [InlineData("last_seen < 36501d", 1, 13, "durations at most 36500d")]
    [InlineData("trait.path == \"C:\\temp\"", 1, 15, "")]
    public void A_rule_that_does_not_read_says_where_and_why(string text, int line, int column, string reason)
    {
        Assert.False(RuleParser.TryParse(text, out _, out var error));
        Assert.NotNull(error);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        output.WriteLine($"{text.ReplaceLineEndings(" ")} → {error}");
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
    }

    [Theory]
    [InlineData("last_seen < 7days", "line 1, column 13: unexpected `7`")]
    [InlineData("orders > 5x", "line 1, column 10: unexpected `5`")]
    [InlineData("purchase.1h > and", "line 1, column 15: unexpected name `and`, expected value (a number, a \"text\" or a duration such as 7d)")]
    [InlineData("and > 1", "line 1, column 1: unexpected name `and`, expected `(`, 'not' or operand")]
    [InlineData("orders > 1 orr clv > 1", "line 1, column 12: unexpected name `orr`")]
    [InlineData("tier == 5", "line 1, column 9: tier compares with a \"text\", not a number")]
    [InlineData("last_seen < \"x\"", "line 1, column 13: last_seen compares with a duration such as 7d, not a text")]
    [InlineData("trait.a == 7d", "line 1, column 12: trait.a compares with a number or a \"text\", not a duration")]
    [InlineData("orders > 99999999999999999999999999999999", "line 1, column 10: '99999999999999999999999999999999' is not a value (numbers are decimals, durations at most 36500d)")]
    [InlineData("purchase.2h > 1", "line 1, column 1: unknown operand 'purchase.2h': expected type.window (e.g. purchase.7d), type.sum.window, type.last, "
        + "type.first, trait.name, or one of clv, clv.predicted, orders, rfm.recency, rfm.frequency, rfm.monetary, tier, last_seen, first_seen; "
        + "windows are 1h, 24h, 7d, 30d, 365d, total")]
    [InlineData("purchase.366d > 1", "line 1, column 1: unknown operand 'purchase.366d': expected type.window (e.g. purchase.7d), type.sum.window, type.last, "
        + "type.first, trait.name, or one of clv, clv.predicted, orders, rfm.recency, rfm.frequency, rfm.monetary, tier, last_seen, first_seen; "
        + "windows are 1h, 24h, 7d, 30d, 365d, total")]
    [InlineData("purchase.first > 2", "line 1, column 18: purchase.first compares with a duration such as 7d, not a number")]
    public void An_error_says_exactly_what_was_expected(string text, string error)
    {
        Assert.False(RuleParser.TryParse(text, out _, out var refused));
        Assert.Equal(error, refused!.ToString());
    }

    [Theory]
    [InlineData("trait. == 1")]
    [InlineData("Purchase.1h > 1")]
    [InlineData("purchase.Sum.1h > 1")]
    [InlineData("Purchase.last < 1d")]
    [InlineData("Purchase.first < 1d")]
    public void An_operand_that_is_not_one_is_refused_by_name(string text)
    {
        Assert.False(RuleParser.TryParse(text, out _, out var error));
        Assert.Equal((1, 1), (error!.Line, error.Column));
        Assert.StartsWith($"unknown operand '{text[..text.IndexOf(' ', StringComparison.Ordinal)]}'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_types_a_rule_reads_a_year_of_are_its_history_types()
    {
        var rule = Parse("purchase.365d >= 2 and (not refund.sum.365d < 0 or visit.30d > 1) and purchase.sum.365d > 10 and order.first > 1d and a.last < 1d");

        Assert.Equal(["purchase", "refund"], Operand.YearTypes(rule));
        Assert.Empty(Operand.YearTypes(Parse("purchase.30d >= 2 or purchase.total > 1 or purchase.first > 365d")));
    }

    [Fact]
    public void An_event_type_is_at_most_64_characters()
    {
        var longest = new string('p', 64);

        Assert.Equal(new CountOperand(longest, Window.Total), Assert.IsType<Comparison>(Parse($"{longest}.total > 1")).Operand);
        Assert.False(RuleParser.TryParse($"{longest}p.total > 1", out _, out var error));
        Assert.StartsWith($"unknown operand '{longest}p.total'", error!.Reason, StringComparison.Ordinal);
        Assert.False(RuleParser.TryParse($"{longest}p.last < 1d", out _, out _));
        Assert.False(RuleParser.TryParse($"{longest}p.sum.1h < 1", out _, out _));
    }

    [Fact]
    public void A_rule_is_at_most_4096_characters_written_and_canonically()
    {
        // "orders > 1 or " is 14 characters, written as canonically; a text in the last comparison takes up the rest.
        static string Rule(int length) => string.Concat(Enumerable.Repeat("orders > 1 or ", 100)) + "tier == \"" + new string('x', length - 1410) + "\"";

        Assert.Equal(4096, Rule(4096).Length);
        Assert.True(RuleParser.TryParseCanonical(Rule(4096), out var rule, out _));
        Assert.Equal(Rule(4096), rule.ToString());
        Assert.False(RuleParser.TryParse(Rule(4097), out _, out var error));
        Assert.Equal(new RuleError(1, 1, "the rule is longer than 4096 characters"), error);
    }

    [Fact]
    public void Parse_throws_what_TryParse_would_say()
    {
        var parse = Assert.Throws<FormatException>(() => RuleParser.Parse("orders >"));
        var canonical = Assert.Throws<FormatException>(() => RuleParser.ParseCanonical("orders >"));

        const string Expected = "The rule does not read: line 1, column 9: unexpected end of input, expected value (a number, a \"text\" or a duration such as 7d).";
        Assert.Equal(Expected, parse.Message);
        Assert.Equal(Expected, canonical.Message);
        Assert.False(RuleParser.TryParseCanonical("orders >", out _, out var error));
        Assert.Equal((1, 9), (error!.Line, error.Column));
        Assert.Equal(new NotRule(new Comparison(new DerivedOperand("orders"), CompareOp.Greater, new NumberLiteral(1))), RuleParser.Parse("not not not orders > 1").Normalize());
    }

    [Fact]
    public void Printed_rules_parse_back_to_the_same_rule()
    {
        var random = new Random(20261203);
        for (var i = 0; i < 2000; i++)
        {
            var rule = RandomRules.Rule(random);
            var text = rule.ToString();
            Assert.True(RuleParser.TryParse(text, out var parsed, out var error), $"'{text}' does not parse: {error}");
            Assert.Equal(rule, parsed);
            Assert.Equal(text, parsed.ToString());
        }
    }

    [Fact]
    public void Every_operator_compares_numbers()
    {
        var profile = TestCustomer.Ann();
        string[] holds = ["purchase.total == 2", "purchase.total != 3", "purchase.total < 3", "purchase.total <= 2", "purchase.total > 1", "purchase.total >= 2"];
        string[] fails = ["purchase.total == 3", "purchase.total != 2", "purchase.total < 2", "purchase.total <= 1", "purchase.total > 2", "purchase.total >= 3"];

        Assert.All(holds, rule => Assert.True(RuleEvaluator.Evaluate(Parse(rule), profile).Matches, rule));
        Assert.All(fails, rule => Assert.False(RuleEvaluator.Evaluate(Parse(rule), profile).Matches, rule));
    }

    [Theory]
    [InlineData("cart_abandoned.1h >= 1 and purchase.1h == 0", true, "cart_abandoned.1h = 1|purchase.1h = 0")]
    [InlineData("purchase.sum.30d > 500", true, "purchase.sum.30d = 620")]
    [InlineData("purchase.sum.7d > 500", false, "")]
    [InlineData("purchase.last < 7d", false, "")]
    [InlineData("purchase.last < 11d", true, "purchase.last = 10d ago")]
    [InlineData("email_open.last > 30d", true, "email_open.last = never")]
    [InlineData("purchase.365d >= 2", true, "purchase.365d = 2")]
    [InlineData("purchase.sum.365d > 620", false, "")]
    [InlineData("purchase.first >= 20d", true, "purchase.first = 20d ago")]
    [InlineData("purchase.first > 20d", false, "")]
    [InlineData("email_open.first > 36500d", true, "email_open.first = never")]
    [InlineData("email_open.first < 36500d", false, "")]
    [InlineData("last_seen < 2h", true, "last_seen = 30m ago")]
    [InlineData("first_seen >= 20d", true, "first_seen = 20d ago")]
    [InlineData("trait.country == \"DK\"", true, "trait.country = \"DK\"")]
    [InlineData("trait.age >= 40", true, "trait.age = 42")]
    [InlineData("trait.age == \"42\"", false, "")]
    [InlineData("trait.city == \"Oslo\"", false, "")]
    [InlineData("trait.city != \"Oslo\"", true, "trait.city = not set")]
    [InlineData("clv >= 620 and orders == 2", true, "clv = 620|orders = 2")]
    [InlineData("rfm.recency == 4 or tier == \"platinum\"", true, "rfm.recency = 4")]
    [InlineData("tier == \"platinum\" or rfm.monetary >= 3", true, "rfm.monetary = 3")]
    [InlineData("tier == \"silver\"", true, "tier = \"silver\"")]
    [InlineData("not purchase.1h >= 1", true, "not (purchase.1h >= 1): purchase.1h = 0")]
    [InlineData("not (purchase.total >= 1 or page_view.total >= 1)", false, "")]
    [InlineData("(purchase.total >= 1 and orders > 5) or tier == \"silver\"", true, "tier = \"silver\"")]
    [InlineData("clv.predicted == 900 and rfm.frequency == 2", true, "clv.predicted = 900|rfm.frequency = 2")]
    public void A_rule_holds_or_not_and_says_why(string text, bool matches, string reasons)
    {
        var (holds, why) = RuleEvaluator.Evaluate(Parse(text), TestCustomer.Ann());

        Assert.Equal(matches, holds);
        Assert.Equal(reasons.Length == 0 ? [] : reasons.Split('|'), why.Select(reason => reason.ToString()));
    }
}
