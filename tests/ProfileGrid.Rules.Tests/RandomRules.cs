namespace ProfileGrid.Rules.Tests;

/// <summary>Random rules of every operator, operand and value kind, for properties that must hold for all rules.</summary>
internal static class RandomRules
{
    // Quotes and backslashes must be escaped when printed; the rest must survive as they are.
    private const string TextCharacters = "aZ 9_\"\\é-.(";

    /// <summary>A rule up to four levels deep, of every node kind.</summary>
    public static SegmentRule Rule(Random random, int depth = 0)
    {
        var pick = depth >= 4 ? 0 : random.Next(5);
        return pick switch
        {
            1 => new AndRule(Rule(random, depth + 1), Rule(random, depth + 1)),
            2 => new OrRule(Rule(random, depth + 1), Rule(random, depth + 1)),
            3 => new NotRule(Rule(random, depth + 1)),
            _ => Comparison(random),
        };
    }

    /// <summary>A comparison of every operand, operator and value kind.</summary>
    public static Comparison Comparison(Random random)
    {
        string[] types = ["purchase", "cart_abandoned", "order.completed", "page-view", "x1"];
        var type = types[random.Next(types.Length)];
        var window = Operand.Windows[random.Next(Operand.Windows.Count)];
        var ops = Enum.GetValues<CompareOp>();
        var numberOp = ops[random.Next(ops.Length)];
        var textOp = random.Next(2) == 0 ? CompareOp.Equal : CompareOp.NotEqual;
        var number = new NumberLiteral(Math.Round((decimal)(random.NextDouble() * 20000 - 10000), random.Next(4)));
        var duration = new DurationLiteral(random.Next(4) switch
        {
            0 => TimeSpan.FromDays(random.Next(1, 400)),
            1 => TimeSpan.FromHours(random.Next(1, 500)),
            2 => TimeSpan.FromMinutes(random.Next(1, 5000)),
            _ => TimeSpan.FromSeconds(random.Next(1, 50000)),
        });
        var text = new TextLiteral(new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => TextCharacters[random.Next(TextCharacters.Length)]).ToArray()));
        string[] traits = ["country", "firstName", "a.b", "x-y_z"];
        string[] numbers = ["clv", "clv.predicted", "orders", "rfm.recency", "rfm.frequency", "rfm.monetary"];
        return random.Next(9) switch
        {
            0 => new Comparison(new CountOperand(type, window), numberOp, number),
            1 => new Comparison(new SumOperand(type, window), numberOp, number),
            2 => new Comparison(new LastOperand(type), numberOp, duration),
            8 => new Comparison(new FirstOperand(type), numberOp, duration),
            3 => new Comparison(new TraitOperand(traits[random.Next(traits.Length)]), textOp, text),
            4 => new Comparison(new TraitOperand(traits[random.Next(traits.Length)]), numberOp, number),
            5 => new Comparison(new DerivedOperand(numbers[random.Next(numbers.Length)]), numberOp, number),
            6 => new Comparison(new DerivedOperand("tier"), textOp, text),
            _ => new Comparison(new DerivedOperand(random.Next(2) == 0 ? "last_seen" : "first_seen"), numberOp, duration),
        };
    }
}
