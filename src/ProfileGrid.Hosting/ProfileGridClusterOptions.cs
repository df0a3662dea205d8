using ProfileGrid.Settings;

namespace ProfileGrid.Hosting;

/// <summary>The section <c>ProfileGrid:Cluster</c>: which cluster this process belongs to and how it joins it.</summary>
public sealed class ProfileGridClusterOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid:Cluster";

    public static string SectionPath => Section;

    public ClusterMode Mode { get; set; } = ClusterMode.Standalone;

    /// <summary>Isolates deployments that share one storage account.</summary>
    public string ClusterId { get; set; } = "profilegrid-local";

    /// <summary>Names the service across deployments; grain state is keyed by it.</summary>
    public string ServiceId { get; set; } = "profilegrid";

    public IEnumerable<string> Problems()
    {
        if (!Enum.IsDefined(Mode)) yield return $"Mode must be Standalone or Client, not {Mode}.";
        if (IdProblem(nameof(ClusterId), ClusterId) is { } cluster) yield return cluster;
        if (IdProblem(nameof(ServiceId), ServiceId) is { } service) yield return service;
    }

    // Both go into table keys (membership rows, grain state), which refuse '/', '\', '#', '?' and control characters.
    private static string? IdProblem(string name, string value) =>
        string.IsNullOrWhiteSpace(value) || value.Length > 128 || value.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            ? $"{name} must be 1 to 128 characters without '/', '\\', '#', '?' or control characters, not '{value}'."
            : null;
}
