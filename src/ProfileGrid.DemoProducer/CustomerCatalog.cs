namespace ProfileGrid.DemoProducer;

/// <summary>The customers <c>cust-0001</c>.. with plausible names, plans and cities; the same ones on every run.</summary>
internal static class CustomerCatalog
{
    private static readonly string[] FirstNames =
        ["Ann", "Marco", "Priya", "Tom", "Aisha", "Lukas", "Sofia", "Kenji", "Grace", "Omar", "Elena", "Jonas", "Mia", "Diego", "Hannah", "Wei", "Chloe", "Samuel", "Fatima", "Noah"];
    private static readonly string[] LastNames =
        ["Lee", "Rossi", "Natarajan", "Becker", "Khan", "Novak", "Garcia", "Tanaka", "O'Brien", "Haddad", "Petrova", "Berg", "Dubois", "Silva", "Walsh", "Zhang", "Martin", "Okafor", "Nowak", "Jensen"];
    private static readonly string[] Cities =
        ["London", "Leeds", "Manchester", "Bristol", "Glasgow", "Dublin", "Cardiff", "Edinburgh", "Birmingham", "Belfast"];
    private static readonly (string Plan, int Weight)[] Plans = [("free", 50), ("silver", 30), ("gold", 15), ("platinum", 5)];

    public static IReadOnlyList<SyntheticCustomer> Create(int count)
    {
        var random = new Random(20261123);
        var customers = new List<SyntheticCustomer>(count);
        for (var n = 1; n <= count; n++)
        {
            var first = FirstNames[random.Next(FirstNames.Length)];
            var last = LastNames[random.Next(LastNames.Length)];
            var email = $"{first}.{last.Replace("'", "", StringComparison.Ordinal)}{n}@example.com".ToLowerInvariant();
            customers.Add(new SyntheticCustomer(Id(n), $"{first} {last}", email, Weighted.Pick(random, Plans),
                Cities[random.Next(Cities.Length)], emailConsent: random.NextDouble() < 0.7));
        }

        return customers;
    }

    public static string Id(int n) => $"cust-{n:D4}";
}
