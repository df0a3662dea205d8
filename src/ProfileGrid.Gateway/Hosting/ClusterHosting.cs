using ProfileGrid.Customers;

namespace ProfileGrid.Gateway.Hosting;

public static class ClusterHosting
{
    /// <summary>Standalone mode: this process co-hosts one silo on loopback, so one command runs everything.</summary>
    public static WebApplicationBuilder AddProfileGridCluster(this WebApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(ProfileGridClusterOptions.Section).Get<ProfileGridClusterOptions>() ?? new();
        var silo = builder.Configuration.GetSection(ProfileGridSiloOptions.Section).Get<ProfileGridSiloOptions>() ?? new();
        builder.UseOrleans(siloBuilder => siloBuilder
            .UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId)
            .AddMemoryGrainStorage(StorageNames.Customers));
        return builder;
    }
}
