namespace ProfileGrid.DemoProducer;

/// <summary>Picks one of several choices with probability proportional to its weight.</summary>
internal static class Weighted
{
    public static T Pick<T>(Random random, IReadOnlyList<(T Choice, int Weight)> choices)
    {
        var total = 0;
        foreach (var (_, weight) in choices) total += weight;
        var roll = random.Next(total);
        foreach (var (choice, weight) in choices)
        {
            if (roll < weight) return choice;
            roll -= weight;
        }

        return choices[^1].Choice;
    }
}
