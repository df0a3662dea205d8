using ProfileGrid.Cluster.Tests.Infrastructure;

namespace ProfileGrid.Cluster.Tests;

/// <summary>
/// The cluster <see cref="SiloCrashRecoveryTests"/> share: Azurite, silo processes and a gateway process, started by
/// the first test that asks and kept for the others (each asks for the running silos it needs: a silo killed by one
/// test is replaced for the next), with imports paced so that a crash falls mid-import, and archivers and replays that
/// resume soon after a crash.
/// </summary>
public sealed class SiloCrashRecoveryFixture : IAsyncLifetime
{
    /// <summary>Paced, so that a kill falls mid-import; short leases, so that a run that stopped is resumed soon.</summary>
    internal static readonly IReadOnlyDictionary<string, string> GatewaySettings = new Dictionary<string, string>
    {
        ["ProfileGrid__Imports__MaxEventsPerSecond"] = "4000",
        ["ProfileGrid__Imports__WindowLines"] = "2000",
        ["ProfileGrid__Imports__Lease"] = "00:00:03",
        ["ProfileGrid__Imports__ScanInterval"] = "00:00:01",
    };

    /// <summary>The archivers and the replays a crashed silo held run again elsewhere within two seconds of its death.</summary>
    internal static readonly IReadOnlyDictionary<string, string> SiloSettings = new Dictionary<string, string>
    {
        ["ProfileGrid__Archive__KeepRunningPeriod"] = "00:00:02",
        ["ProfileGrid__Replay__ResumeInterval"] = "00:00:02",
    };

    private ProfileGridCluster? _cluster;

    /// <summary>The cluster, with at least <paramref name="silos"/> silos running.</summary>
    internal async Task<ProfileGridCluster> ClusterAsync(int silos, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        _cluster ??= await ProfileGridCluster.StartAsync("crash-recovery", silos, output, cancellationToken, GatewaySettings, SiloSettings);
        while (_cluster.Silos.Count(silo => silo.IsRunning) < silos) await _cluster.AddSiloAsync(cancellationToken);
        return _cluster;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
