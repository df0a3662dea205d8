namespace ProfileGrid.Gateway.Views;

/// <summary>
/// Sorts flat trait names into the profile card's groups: identity (who the customer is), qualitative (what they
/// think and prefer) and descriptive (everything else: lifestyle, career, family...).
/// </summary>
internal static class TraitCatalog
{
    private static readonly HashSet<string> Identity = new(StringComparer.OrdinalIgnoreCase)
    {
        "name", "firstName", "lastName", "email", "phone", "mobile", "address", "addresses", "accountIds",
        "username", "birthday", "userId", "avatar", "company",
    };

    private static readonly HashSet<string> Qualitative = new(StringComparer.OrdinalIgnoreCase)
    {
        "rating", "ratings", "feedback", "preferences", "nps", "satisfaction", "sentiment", "interests",
    };

    /// <summary>Whether the trait says who the customer is (personal data).</summary>
    public static bool IsIdentity(string name) => Identity.Contains(name);

    public static TraitGroups Group(Dictionary<string, string> traits)
    {
        var groups = new TraitGroups([], [], []);
        foreach (var (name, json) in traits)
        {
            var group = Identity.Contains(name) ? groups.Identity
                : Qualitative.Contains(name) ? groups.Qualitative
                : groups.Descriptive;
            group[name] = new RawJson(json);
        }

        return groups;
    }
}
