namespace ProfileGrid.Rules.Tests;

/// <summary>
/// Evaluating a rule costs time linear in its size, shown by counting instead of timing: each node is visited at most
/// once and each comparison's operand read once, however deeply the rule nests (it used to re-walk the inside of every
/// 'not' to write its reason, at a cost quadratic in the depth).
/// </summary>
public sealed class EvaluationCostTests
{
    /// <summary>A rule at both limits: 16 nested 'not (…)' (depth 32), each beside comparisons, 128 comparisons in all.</summary>
    private static SegmentRule Deepest(string innermost)
    {
        var text = innermost;
        for (var level = 0; level < 16; level++)
        {
            var siblings = string.Join(" and ", Enumerable.Range(0, level == 0 ? 7 : 8).Select(i => $"trait.t{level}x{i} != {i}"));
            text = level % 2 == 0 ? $"not ({siblings} or {text})" : $"not ({text} and {siblings})";
        }

        return RuleParser.ParseCanonical(text);
    }

    public static TheoryData<string> Innermost() => ["orders > 0", "orders == 0", "trait.email == \"ann@example.com\""];

    [Theory]
    [MemberData(nameof(Innermost))]
    public void Each_node_of_a_rule_at_the_limits_is_visited_at_most_once(string innermost)
    {
        var rule = Deepest(innermost);
        var visits = new Dictionary<SegmentRule, int>(ReferenceEqualityComparer.Instance);
        var customer = new CountingCustomer(TestCustomer.Ann());

        var outcome = RuleEvaluator.Evaluate(rule, customer, node => visits[node] = visits.GetValueOrDefault(node) + 1);

        var nodes = RuleShapes.Nodes(rule).ToList();
        Assert.All(visits.Values, count => Assert.Equal(1, count));
        Assert.All(visits.Keys, node => Assert.Contains(node, nodes));
        Assert.InRange(customer.Reads, 1, nodes.OfType<Comparison>().Count());
        var uncounted = RuleEvaluator.Evaluate(rule, TestCustomer.Ann());
        Assert.Equal(uncounted.Matches, outcome.Matches);
        Assert.Equal(uncounted.Reasons, outcome.Reasons);
    }

    [Fact]
    public void A_not_that_holds_reads_its_whole_inside_once_for_its_reason()
    {
        // Everything inside the outermost 'not' is false for Ann (an unset trait meets !=), so it holds and names every value inside.
        var rule = RuleParser.ParseCanonical("not (" + string.Join(" or ", Enumerable.Range(0, 20).Select(i => $"not trait.t{i} != {i} or clv > {1000 + i}")) + ")");
        var visits = new Dictionary<SegmentRule, int>(ReferenceEqualityComparer.Instance);
        var customer = new CountingCustomer(TestCustomer.Ann());

        var (matches, reasons) = RuleEvaluator.Evaluate(rule, customer, node => visits[node] = visits.GetValueOrDefault(node) + 1);

        Assert.True(matches);
        var reason = Assert.IsType<NegationReason>(Assert.Single(reasons));
        Assert.Equal(["trait.t0 = not set", "clv = 620", .. Enumerable.Range(1, 19).Select(i => $"trait.t{i} = not set")], reason.Values.Select(value => value.ToString()));
        Assert.Equal(RuleShapes.Nodes(rule).Count(), visits.Count);
        Assert.All(visits.Values, count => Assert.Equal(1, count));
        Assert.Equal(40, customer.Reads);
    }

    [Fact]
    public void The_visits_grow_with_the_rule_not_with_its_square()
    {
        static int Visits(int depth)
        {
            var rule = RuleParser.Parse(string.Concat(Enumerable.Repeat("not ", depth)) + "orders > 0");
            var visits = 0;
            RuleEvaluator.Evaluate(rule, TestCustomer.Ann(), _ => visits++);
            return visits;
        }

        Assert.Equal([2, 9, 17, 33], new[] { 1, 8, 16, 32 }.Select(Visits));
    }

    /// <summary>A customer that counts how often the rule reads it.</summary>
    private sealed class CountingCustomer(TestCustomer customer) : IRuleInput
    {
        public int Reads { get; private set; }

        public DateTimeOffset AsOf => customer.AsOf;

        public DateTimeOffset? FirstSeen => Read(customer.FirstSeen);

        public DateTimeOffset? LastSeen => Read(customer.LastSeen);

        public RuleScores? Scores => Read(customer.Scores);

        public string? Trait(string name) => Read(customer.Trait(name));

        public EventTotals Events(string type, Window window) => Read(customer.Events(type, window));

        public DateTimeOffset? LastAt(string type) => Read(customer.LastAt(type));

        public DateTimeOffset? FirstAt(string type) => Read(customer.FirstAt(type));

        private T Read<T>(T value)
        {
            Reads++;
            return value;
        }
    }
}
