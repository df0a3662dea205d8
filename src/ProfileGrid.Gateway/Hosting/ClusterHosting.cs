using ProfileGrid.Hosting;

namespace ProfileGrid.Gateway.Hosting;

public static class ClusterHosting
{
    /// <summary>
    /// <c>ProfileGrid:Cluster:Mode</c> = <c>Standalone</c> (default): co-host one silo, so one command runs everything;
    /// <c>Client</c>: join the silos of the cluster as an Orleans client.
    /// </summary>
    public static WebApplicationBuilder AddProfileGridCluster(this WebApplicationBuilder builder)
    {
        var mode = builder.Configuration.GetValue(ProfileGridClusterOptions.Section + ":Mode", ClusterMode.Standalone);
        if (mode == ClusterMode.Client) builder.AddProfileGridClient();
        else builder.AddProfileGridSilo(standalone: true);
        return builder;
    }
}
