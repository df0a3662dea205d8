namespace ProfileGrid.Hosting;

/// <summary>How the gateway reaches the grains.</summary>
public enum ClusterMode
{
    /// <summary>The gateway co-hosts one silo: one process runs everything.</summary>
    Standalone,

    /// <summary>The gateway is an Orleans client of the silos it finds in the cluster's membership table.</summary>
    Client,
}
