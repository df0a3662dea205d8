using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using ProfileGrid.Storage.AzureTables.Clustering;

namespace ProfileGrid.Storage.AzureTables.Tests.Clustering;

/// <summary>Builds membership tables, gateway lists and entries for the tests.</summary>
internal static class Membership
{
    private static int _nextPort = 20000;

    public static async Task<IMembershipTable> StartTableAsync(string connectionString, string tableName, string clusterId)
    {
        IMembershipTable table = new AzureTableMembershipTable(
            ClusterOptions(clusterId),
            Options.Create(new AzureTableClusteringOptions { ConnectionString = connectionString, TableName = tableName }),
            NullLogger<AzureTableMembershipTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, CancellationToken.None);
        return table;
    }

    public static async Task<IGatewayListProvider> StartGatewayListAsync(string connectionString, string tableName, string clusterId, TimeSpan refreshPeriod)
    {
        IGatewayListProvider provider = new AzureTableGatewayListProvider(
            ClusterOptions(clusterId),
            Options.Create(new AzureTableClusteringOptions { ConnectionString = connectionString, TableName = tableName }),
            Options.Create(new GatewayOptions { GatewayListRefreshPeriod = refreshPeriod }),
            NullLogger<AzureTableGatewayListProvider>.Instance);
        await provider.InitializeGatewayListProviderAsync(CancellationToken.None);
        return provider;
    }

    public static MembershipEntry NewEntry(SiloStatus status = SiloStatus.Joining, int proxyPort = 0, DateTime? iAmAlive = null)
    {
        var port = Interlocked.Increment(ref _nextPort);
        var now = DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 7),
            Status = status,
            ProxyPort = proxyPort,
            HostName = "host-1",
            SiloName = $"silo-{port}",
            RoleName = "ProfileGrid.Silo",
            UpdateZone = 2,
            FaultZone = 3,
            StartTime = now.AddMinutes(-5),
            IAmAliveTime = iAmAlive ?? now,
            SuspectTimes = [],
        };
    }

    public static void AssertSameEntry(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.ProxyPort, actual.ProxyPort);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.RoleName, actual.RoleName);
        Assert.Equal(expected.UpdateZone, actual.UpdateZone);
        Assert.Equal(expected.FaultZone, actual.FaultZone);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Equal(expected.SuspectTimes ?? [], actual.SuspectTimes);
    }

    private static IOptions<ClusterOptions> ClusterOptions(string clusterId) =>
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "profilegrid-tests" });
}
