using ProfileGrid.Settings;

namespace ProfileGrid.Gateway.Security;

/// <summary>The section <c>ProfileGrid</c>'s list of API keys.</summary>
public sealed class ApiKeysOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid";

    public static string SectionPath => Section;

    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>A key that is too short, unnamed, of no known role, or listed twice (no key is ever in the line, only its place).</summary>
    public IEnumerable<string> Problems()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ApiKeys.Count; i++)
        {
            var key = ApiKeys[i];
            if (key.Key.Length < 16) yield return $"ApiKeys:{i}:Key must be at least 16 characters.";
            if (string.IsNullOrWhiteSpace(key.Name)) yield return $"ApiKeys:{i}:Name is required.";
            if (!Enum.IsDefined(key.Role)) yield return $"ApiKeys:{i}:Role must be producer, agent or admin.";
            if (!seen.Add(key.Key)) yield return $"ApiKeys:{i}:Key is listed twice.";
        }
    }
}
