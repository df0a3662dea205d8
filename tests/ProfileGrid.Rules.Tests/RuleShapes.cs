namespace ProfileGrid.Rules.Tests;

/// <summary>What a rule is made of, for tests that count.</summary>
internal static class RuleShapes
{
    /// <summary>Every node of the rule, parents before children.</summary>
    public static IEnumerable<SegmentRule> Nodes(SegmentRule rule)
    {
        var pending = new Stack<SegmentRule>([rule]);
        while (pending.TryPop(out var node))
        {
            yield return node;
            switch (node)
            {
                case AndRule and:
                    pending.Push(and.Right);
                    pending.Push(and.Left);
                    break;
                case OrRule or:
                    pending.Push(or.Right);
                    pending.Push(or.Left);
                    break;
                case NotRule not:
                    pending.Push(not.Inner);
                    break;
            }
        }
    }
}
