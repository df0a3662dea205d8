using ProfileGrid.Rules;

namespace ProfileGrid.Gateway.Views;

/// <summary>
/// Sorts flat trait names into the profile card's groups: identity (who the customer is: <see cref="IdentityTraits"/>),
/// qualitative (what they think and prefer) and descriptive (everything else: lifestyle, career, family...).
/// </summary>
internal static class TraitCatalog
{
    private static readonly HashSet<string> Qualitative = new(StringComparer.OrdinalIgnoreCase)
    {
        "rating", "ratings", "feedback", "preferences", "nps", "satisfaction", "sentiment", "interests",
    };

    public static TraitGroups Group(Dictionary<string, string> traits)
    {
        var groups = new TraitGroups([], [], []);
        foreach (var (name, json) in traits)
        {
            var group = IdentityTraits.Contains(name) ? groups.Identity
                : Qualitative.Contains(name) ? groups.Qualitative
                : groups.Descriptive;
            group[name] = new RawJson(json);
        }

        return groups;
    }
}
