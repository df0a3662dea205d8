using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using ProfileGrid.Archive;
using ProfileGrid.Customers;
using ProfileGrid.Destinations;
using ProfileGrid.Replay;
using ProfileGrid.Settings;
using ProfileGrid.Segments;
using ProfileGrid.Storage;
using ProfileGrid.Storage.Archive;
using ProfileGrid.Storage.AzureTables.Archive;
using ProfileGrid.Storage.AzureTables.Hosting;
using ProfileGrid.Storage.AzureTables.Journals;
using ProfileGrid.Wakeups;

namespace ProfileGrid.Hosting;

public static class SiloHosting
{
    /// <summary>Segment member shards have a table of their own, so that listing the customers' journals (back-fills) sees only customers.</summary>
    public const string SegmentMembersTable = "ProfileGridSegmentMembers";

    /// <summary>The wake-up schedule's buckets and the scheduler's cursor: a table of its own, rows only for minutes still to come.</summary>
    public const string WakeupsTable = "ProfileGridWakeups";

    /// <summary>
    /// Hosts a silo in this process. With durable storage, grain state goes to Azure Tables (the customer journals
    /// through the project's storage, the small grains through Orleans' own); a silo process also keeps cluster
    /// membership there, through Orleans' provider, so that silos and gateways find each other. A co-hosted (standalone) silo
    /// clusters alone on loopback. Without storage, state is in memory and a warning says so at start-up.
    /// </summary>
    public static IHostApplicationBuilder AddProfileGridSilo(this IHostApplicationBuilder builder, bool standalone)
    {
        var (cluster, storage) = builder.AddProfileGridOptions();
        var silo = builder.Configuration.GetChecked<ProfileGridSiloOptions>();
        builder.Services.TryAddKeyedSingleton(DomainClock.Key, TimeProvider.System);
        builder.Services.AddCheckedOptions<ValueOptions>();
        builder.Services.AddSegments();
        builder.Services.AddSegmentSweep();
        builder.Services.AddWakeups();
        var archive = builder.Configuration.GetChecked<ArchiveOptions>();
        if (storage.IsDurable)
        {
            // Keys and blobs in the account of the tables; created when the silo starts.
            var keys = new AzureTableArchiveKeys(
                storage.CreateTableServiceClient().GetTableClient(AzureTableArchiveKeys.DefaultTableName),
                cluster.ServiceId,
                storage.PartitionCount ?? AzureTableJournalStorageOptions.DefaultPartitionCount);
            builder.Services.AddSingleton<IArchiveKeys>(keys);
            builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(keys);
            if (archive.Enabled)
            {
                var blobs = new AzureBlobArchiveStore(storage.CreateBlobServiceClient().GetBlobContainerClient(archive.ContainerName));
                builder.Services.AddSingleton<IArchiveStore>(blobs);
                builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(blobs);
            }
        }

        builder.Services.AddArchive();
        builder.Services.AddReplay();
        builder.Services.AddDestinations();
        if (!storage.IsDurable) builder.Services.AddHostedService<MemoryStorageWarning>();

        builder.UseOrleans(siloBuilder =>
        {
            if (standalone || !storage.IsDurable)
            {
                siloBuilder.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            }
            else
            {
                var advertised = silo.ResolveAdvertisedIp(storage.IsLocal);
                siloBuilder.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
                siloBuilder.ConfigureEndpoints(advertised, silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
                siloBuilder.UseProfileGridClustering(storage.CreateTableServiceClient());
                siloBuilder.Configure<ClusterMembershipOptions>(options =>
                {
                    FailureDetection.Apply(options);
                    builder.Configuration.GetSection("ProfileGrid:Membership").Bind(options);
                });
            }

            // Orleans' collection of idle activations (CollectionAge, 15 minutes by default), e.g. shorter where memory is tight.
            siloBuilder.Configure<GrainCollectionOptions>(builder.Configuration.GetSection("ProfileGrid:GrainCollection"));

            // Orleans' dashboard: every silo reports to it; a gateway serves it (see ClientHosting).
            siloBuilder.AddDashboard();

            // Grain calls carry the caller's trace, so a request's spans and its grains' spans are one trace.
            if (TelemetryHosting.IsEnabled(builder.Configuration)) siloBuilder.AddActivityPropagation();
            if (storage.IsDurable)
            {
                siloBuilder.AddAzureTableJournalStorage(StorageNames.Customers, options => storage.ApplyTo(options));
                siloBuilder.AddAzureTableJournalStorage(StorageNames.SegmentMembers, options =>
                {
                    storage.ApplyTo(options);
                    options.TableName = SegmentMembersTable;
                });
                siloBuilder.AddAzureTableJournalStorage(StorageNames.Wakeups, options =>
                {
                    storage.ApplyTo(options);
                    options.TableName = WakeupsTable;
                });
                siloBuilder.AddSmallGrainStorage(storage.CreateTableServiceClient());
            }
            else
            {
                siloBuilder.Services.AddMemoryJournalStorage(StorageNames.Customers);
                siloBuilder.Services.AddMemoryJournalStorage(StorageNames.SegmentMembers);
                siloBuilder.Services.AddMemoryJournalStorage(StorageNames.Wakeups);
                foreach (var name in OrleansTableProviders.SmallGrainStorageNames) siloBuilder.AddMemoryGrainStorage(name);
            }
        });

        builder.Services.AddProfileGridHealthChecks();
        builder.AddProfileGridTelemetry(standalone ? "profilegrid-gateway" : "profilegrid-silo");
        return builder;
    }

    /// <summary>
    /// The cluster and storage options, read and checked now: they decide how the host is built. The storage options
    /// are a service too (the storage health check reads them); the cluster's are used only here.
    /// </summary>
    internal static (ProfileGridClusterOptions Cluster, ProfileGridStorageOptions Storage) AddProfileGridOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<ProfileGridStorageOptions>();
        return (builder.Configuration.GetChecked<ProfileGridClusterOptions>(), builder.Configuration.GetChecked<ProfileGridStorageOptions>());
    }

    internal static void AddProfileGridHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<ClusterHealthCheck>("cluster", tags: [HealthApi.ReadyTag])
            .AddCheck<StorageHealthCheck>("storage", tags: [HealthApi.ReadyTag]);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ReadinessCache>();
    }
}
