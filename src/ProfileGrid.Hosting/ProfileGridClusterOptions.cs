namespace ProfileGrid.Hosting;

/// <summary>The section <c>ProfileGrid:Cluster</c>: which cluster this process belongs to and how it joins it.</summary>
public sealed class ProfileGridClusterOptions
{
    public const string Section = "ProfileGrid:Cluster";

    public ClusterMode Mode { get; set; } = ClusterMode.Standalone;

    /// <summary>Isolates deployments that share one storage account.</summary>
    public string ClusterId { get; set; } = "profilegrid-local";

    /// <summary>Names the service across deployments; grain state is keyed by it.</summary>
    public string ServiceId { get; set; } = "profilegrid";
}
