using System.Globalization;
using ProfileGrid.Cluster.Tests.Infrastructure;
using ProfileGrid.Testing;

namespace ProfileGrid.Cluster.Tests;

/// <summary>The app process harness: a failed start says why, a graceful stop lets the app shut down by itself.</summary>
[Collection(ProcessCollection.Name)]
public sealed class AppProcessTests
{
    [Fact]
    public async Task A_process_that_does_not_start_fails_with_its_own_output()
    {
        using var gateway = new AppProcess("bad-gateway", RepoPaths.GatewayDll, Standalone(apiKey: "too-short"));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => gateway.StartAsync(timeout: TimeSpan.FromSeconds(60)));

        Assert.StartsWith("bad-gateway exited with code ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("ProfileGrid:ApiKeys:0:Key must be at least 16 characters.", failure.Message, StringComparison.Ordinal);
        Assert.False(gateway.IsRunning);
    }

    [Fact]
    public async Task A_graceful_stop_lets_the_process_exit_by_itself()
    {
        using var gateway = new AppProcess("gateway", RepoPaths.GatewayDll, Standalone(apiKey: ProfileGridCluster.ApiKey));
        await gateway.StartAsync(timeout: TimeSpan.FromSeconds(60));

        var exitedByItself = await gateway.StopAsync(TimeSpan.FromSeconds(20));

        Assert.True(exitedByItself, gateway.Log.Tail());
        Assert.False(gateway.IsRunning);
        Assert.False(await FreePort.IsListeningAsync(gateway.HttpPort));
    }

    // A gateway co-hosting its silo, state in memory: nothing but the process itself.
    private static Dictionary<string, string> Standalone(string apiKey) => new()
    {
        ["ProfileGrid__Silo__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["ProfileGrid__Silo__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["ProfileGrid__Cluster__ClusterId"] = "app-process-" + Guid.NewGuid().ToString("N")[..12],
        ["ProfileGrid__ApiKeys__0__Key"] = apiKey,
        ["ProfileGrid__ApiKeys__0__Name"] = "test",
        ["ProfileGrid__ApiKeys__0__Role"] = "admin",
    };
}
