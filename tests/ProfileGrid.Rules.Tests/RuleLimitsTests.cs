namespace ProfileGrid.Rules.Tests;

/// <summary>
/// The limits a rule is checked against before the grammar descends into it: nesting (parentheses and <c>not</c>
/// together) and comparisons, each refused at the token that crosses it; and a canonical text that must fit too.
/// </summary>
public sealed class RuleLimitsTests
{
    private static string Parentheses(int depth) => new string('(', depth) + "orders > 1" + new string(')', depth);

    private static string Nots(int depth) => string.Concat(Enumerable.Repeat("not ", depth)) + "orders > 1";

    private static RuleError Refused(string text)
    {
        Assert.False(RuleParser.TryParse(text, out _, out var error), $"'{text}' was accepted");
        return error!;
    }

    private static SegmentRule Accepted(string text)
    {
        Assert.True(RuleParser.TryParse(text, out var rule, out var error), $"'{text}' does not parse: {error}");
        return rule;
    }

    [Fact]
    public void The_limits_are_32_levels_and_128_comparisons()
    {
        Assert.Equal(32, RuleLimits.MaxDepth);
        Assert.Equal(128, RuleLimits.MaxComparisons);
        Assert.Equal(4096, RuleLimits.MaxLength);
    }

    [Theory]
    [InlineData(33)]
    [InlineData(2000)] // 4,010 characters: it overflowed the stack of the gateway's process before the limit
    public void Parentheses_nested_deeper_than_the_limit_are_refused_at_the_one_that_crosses_it(int depth)
    {
        var error = Refused(Parentheses(depth));

        Assert.Equal(new RuleError(1, 33, "the rule nests deeper than 32 levels (parentheses and not together)"), error);
    }

    [Theory]
    [InlineData(33)]
    [InlineData(1000)] // made every write of every customer evaluate it, at a cost quadratic in the depth
    public void Nots_nested_deeper_than_the_limit_are_refused_at_the_one_that_crosses_it(int depth) =>
        Assert.Equal((1, 1 + (32 * 4)), (Refused(Nots(depth)).Line, Refused(Nots(depth)).Column));

    [Fact]
    public void Parentheses_and_nots_count_together()
    {
        var inside = string.Concat(Enumerable.Repeat("not (", 16));

        Assert.Equal(new NumberLiteral(1), Assert.IsType<Comparison>(Accepted(inside + "orders > 1" + new string(')', 16)).Normalize()).Value);
        Assert.Equal((1, 81), (Refused(inside + "not orders > 1" + new string(')', 16)).Line, Refused(inside + "not orders > 1" + new string(')', 16)).Column));
        Assert.Equal((1, 81), (Refused(inside + "(orders > 1)" + new string(')', 16)).Line, Refused(inside + "(orders > 1)" + new string(')', 16)).Column));
    }

    [Fact]
    public void The_depth_is_each_comparisons_own_not_the_sum_of_its_siblings()
    {
        // Each 'not' ends with the comparison or parenthesis after it, each '(' with its ')'.
        Accepted(string.Join(" and ", Enumerable.Repeat(Nots(32), 4)));
        Accepted(string.Join(" or ", Enumerable.Repeat(Parentheses(32), 4)));
        Accepted(string.Join(" and ", Enumerable.Repeat("not (orders > 1 or not trait.a == 2)", 40)));
        Accepted(Nots(30).Replace("orders > 1", "(orders > 1 and not clv > 2)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_parenthesis_ends_only_itself_and_a_comparison_ends_only_the_nots_before_it()
    {
        var closedInside = new string('(', 31) + "(orders > 1) and ((clv > 1))" + new string(')', 31);
        var openAround = new string('(', 32) + "orders > 1 and (clv > 1)" + new string(')', 32);

        Assert.Equal((1, 31 + "(orders > 1) and ((".Length), (Refused(closedInside).Line, Refused(closedInside).Column));
        Assert.Equal((1, 32 + "orders > 1 and (".Length), (Refused(openAround).Line, Refused(openAround).Column));
    }

    [Fact]
    public void The_depth_error_names_the_line_and_column_of_the_token()
    {
        var error = Refused("orders > 1 and\n  " + Parentheses(40));

        Assert.Equal((2, 35), (error.Line, error.Column));
        Assert.Equal("line 2, column 35: the rule nests deeper than 32 levels (parentheses and not together)", error.ToString());
    }

    [Fact]
    public void A_malformed_rule_gets_the_grammars_error_not_a_depth_error()
    {
        // A 'not' left open inside parentheses ends with them: 40 of these never nest.
        var error = Refused(string.Concat(Enumerable.Repeat("(not) or ", 40)) + "orders > 1");

        Assert.Equal((1, 5), (error.Line, error.Column));
        Assert.Contains("unexpected `)`", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void More_comparisons_than_the_limit_are_refused_at_the_first_one_too_many()
    {
        static string Comparisons(int count) => string.Join(" or ", Enumerable.Repeat("orders > 1", count));

        Accepted(Comparisons(128));
        var error = Refused(Comparisons(129));

        // "orders > 1 or " is 14 characters: the 129th comparison starts after 128 of them.
        Assert.Equal(new RuleError(1, 1 + (128 * 14), "the rule holds more than 128 comparisons"), error);
        Assert.Equal((1, 1 + (128 * 14)), (Refused(Comparisons(250)).Line, Refused(Comparisons(250)).Column));
    }

    [Fact]
    public void Keywords_are_not_counted_as_comparisons()
    {
        var rule = string.Join(" and ", Enumerable.Repeat("not (orders > 1 or clv > 2)", 64));

        Accepted(rule);
        Refused(rule + " and orders > 3");
    }

    [Fact]
    public void A_rule_whose_canonical_text_would_not_fit_is_refused_as_a_definition()
    {
        // 128 comparisons of 28 characters written without spaces around the operator: 4,092 characters, and 4,348 canonically.
        var dense = string.Join(" or ", Enumerable.Repeat(new string('p', 20) + ".total>1", 128));
        Assert.Equal(4092, dense.Length);

        Accepted(dense);
        Assert.False(RuleParser.TryParseCanonical(dense, out _, out var error));

        Assert.Equal(new RuleError(1, 1, "written canonically (one space around each operator and keyword) the rule is 4348 characters, longer than 4096"), error);
        Assert.Throws<FormatException>(() => RuleParser.ParseCanonical(dense));
    }

    [Fact]
    public void A_rule_at_both_limits_reads_back_from_its_canonical_text()
    {
        // 16 nested 'not (…)' (depth 32) whose insides hold 128 comparisons in all (7 + 15 × 8, and the innermost).
        var text = "orders > 0";
        for (var level = 0; level < 16; level++)
        {
            var siblings = string.Join(" and ", Enumerable.Range(0, level == 0 ? 7 : 8).Select(i => $"purchase.{(i % 2 == 0 ? "7d" : "total")} >= {(level * 8) + i}"));
            text = $"not ({siblings} or {text})";
        }

        Assert.True(RuleParser.TryParseCanonical(text, out var rule, out var error), error?.ToString());

        Assert.Equal(rule, RuleParser.ParseCanonical(rule.ToString()));
        Assert.Equal(128, RuleShapes.Nodes(rule).OfType<Comparison>().Count());
    }
}
