using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using ProfileGrid.Settings;

namespace ProfileGrid.Hosting;

public static class ClientHosting
{
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Joins the cluster as an Orleans client: through the silos' membership table when storage is configured,
    /// else through the local silo's gateway port. It keeps retrying until a gateway answers, so the gateway can
    /// start before the silos.
    /// </summary>
    public static IHostApplicationBuilder AddProfileGridClient(this IHostApplicationBuilder builder)
    {
        var (cluster, storage) = builder.AddProfileGridOptions();
        var silo = builder.Configuration.GetChecked<ProfileGridSiloOptions>();
        builder.UseOrleansClient(client =>
        {
            if (storage.IsDurable)
            {
                client.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
                client.UseProfileGridClustering(storage.CreateTableServiceClient());
                client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10));
            }
            else
            {
                client.UseLocalhostClustering(silo.GatewayPort, cluster.ServiceId, cluster.ClusterId);
            }

            // A call caught by a silo's death would otherwise wait out Orleans' 30 s default before the producer
            // hears 503; producers retry with the same event ids, so failing sooner is safe.
            client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = ResponseTimeout);
            client.UseConnectionRetryFilter<RetryUntilConnected>();
            client.AddOutgoingGrainCallFilter<RefusedCallRetry>();
            client.AddDashboard();
            if (TelemetryHosting.IsEnabled(builder.Configuration)) client.AddActivityPropagation();
        });
        builder.Services.AddProfileGridHealthChecks();
        builder.AddProfileGridTelemetry("profilegrid-gateway");
        return builder;
    }
}
