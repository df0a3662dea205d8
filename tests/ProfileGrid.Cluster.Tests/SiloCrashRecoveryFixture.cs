using ProfileGrid.Cluster.Tests.Infrastructure;

namespace ProfileGrid.Cluster.Tests;

/// <summary>
/// The cluster <see cref="SiloCrashRecoveryTests"/> share: Azurite, silo processes and a gateway process, started by
/// the first test that asks and kept for the others (each asks for the running silos it needs: a silo killed by one
/// test is replaced for the next), with imports paced so that a crash falls mid-import, and archivers that run again
/// soon after a crash.
/// </summary>
public sealed class SiloCrashRecoveryFixture : IAsyncLifetime
{
    /// <summary>
    /// Journal partitions of the cluster (<c>ProfileGrid:Storage:PartitionCount</c>): eight rather than 64, so that a
    /// partition holds enough customers for a replay to take several passes over it.
    /// </summary>
    internal const int Partitions = 8;

    /// <summary>
    /// Paced, so that a kill falls mid-import, but with more customer batches in flight than the default 4 (each is a
    /// journal write, slow on Azurite); short leases, so that a run that stopped is resumed soon.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string> GatewaySettings = new Dictionary<string, string>
    {
        ["ProfileGrid__Imports__MaxEventsPerSecond"] = "5000",
        ["ProfileGrid__Imports__MaxConcurrentBatches"] = "16",
        ["ProfileGrid__Imports__WindowLines"] = "2000",
        ["ProfileGrid__Imports__Lease"] = "00:00:03",
        ["ProfileGrid__Imports__ScanInterval"] = "00:00:01",
    };

    /// <summary>
    /// The archivers a crashed silo held run again elsewhere within two seconds of its death; they poll every two
    /// seconds (fewer, larger blobs for a replay to read).
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string> SiloSettings = new Dictionary<string, string>
    {
        ["ProfileGrid__Storage__PartitionCount"] = Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ProfileGrid__Archive__PollPeriod"] = "00:00:02",
        ["ProfileGrid__Archive__KeepRunningPeriod"] = "00:00:02",
    };

    private ProfileGridCluster? _cluster;

    /// <summary>The cluster (started with two silos), with at least <paramref name="silos"/> silos running.</summary>
    internal async Task<ProfileGridCluster> ClusterAsync(int silos, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        _cluster ??= await ProfileGridCluster.StartAsync("crash-recovery", siloCount: 2, output, cancellationToken, GatewaySettings, SiloSettings);
        while (_cluster.Silos.Count(silo => silo.IsRunning) < silos) await _cluster.AddSiloAsync(cancellationToken);
        return _cluster;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
