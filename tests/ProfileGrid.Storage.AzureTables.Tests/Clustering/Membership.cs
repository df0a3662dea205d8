using System.Net;

namespace ProfileGrid.Storage.AzureTables.Tests.Clustering;

/// <summary>Builds membership entries for the tests and compares them.</summary>
internal static class Membership
{
    private static int _nextPort = 20000;

    public static MembershipEntry NewEntry(SiloStatus status = SiloStatus.Joining, int proxyPort = 0, DateTime? iAmAlive = null, DateTime? started = null)
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
            StartTime = started ?? now.AddMinutes(-5),
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
        Assert.Equal(AsStored(expected.StartTime), actual.StartTime);
        Assert.Equal(AsStored(expected.IAmAliveTime), actual.IAmAliveTime);
        Assert.Equal(
            (expected.SuspectTimes ?? []).Select(suspect => Tuple.Create(suspect.Item1, AsStored(suspect.Item2))),
            actual.SuspectTimes);
    }

    /// <summary>
    /// A time as Orleans' table stores it: to the millisecond (the hand-written table kept every tick). Failure
    /// detection works in seconds, so ProfileGrid loses nothing by it.
    /// </summary>
    public static DateTime AsStored(DateTime time) => time.AddTicks(-(time.Ticks % TimeSpan.TicksPerMillisecond));
}
