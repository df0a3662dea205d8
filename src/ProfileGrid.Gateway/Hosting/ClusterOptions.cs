namespace ProfileGrid.Gateway.Hosting;

/// <summary>The section <c>ProfileGrid:Cluster</c>: which cluster this process belongs to.</summary>
public sealed class ProfileGridClusterOptions
{
    public const string Section = "ProfileGrid:Cluster";

    /// <summary>Isolates deployments that share one storage account.</summary>
    public string ClusterId { get; set; } = "profilegrid-local";

    /// <summary>Names the service across deployments; grain state is keyed by it.</summary>
    public string ServiceId { get; set; } = "profilegrid";
}

/// <summary>The section <c>ProfileGrid:Silo</c>: the ports of a silo this process hosts.</summary>
public sealed class ProfileGridSiloOptions
{
    public const string Section = "ProfileGrid:Silo";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;
}
