using Orleans.Core.Internal;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Segments;
using ProfileGrid.Testing;
using ProfileGrid.Wakeups;

namespace ProfileGrid.Simulation.Tests;

/// <summary>
/// The wake-up scheduler of a new deployment, deactivated before its cursor first moved: found by the simulation
/// (`./scripts/simulate.sh --histories 5000`, a history whose first steps deactivated every grain and then moved the
/// clock a month). It needs a silo of its own, whose scheduler has never stored its place.
/// </summary>
public sealed class SchedulerStartTests : IAsyncLifetime
{
    private readonly SimulatedCluster _cluster = new(azurite: false);

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_scheduler_that_ends_before_its_cursor_first_moves_resumes_where_it_started()
    {
        var segments = await _cluster.SegmentsAsync();
        var browsing = segments.Names.First(name => name == "sim-browsing");
        var customer = $"start-{Guid.NewGuid():N}";
        var now = _cluster.Clock.GetUtcNow();
        await _cluster.Grains.GetGrain<ICustomerGrain>(customer).ApplyEvents(HistoryRunner.Producer,
            [new CustomerEvent("v1", "page_view", now, null, "web", null), new CustomerEvent("v2", "page_view", now, null, "web", null)]);
        var shard = _cluster.Grains.For(browsing, SegmentShards.Of(customer));
        await Eventually.Async(async () => await shard.Contains(customer) is not null, "the customer entered the browsing segment");
        await Eventually.Async(() => _cluster.Grains.GetGrain<IWakeupSchedulerGrain>(IWakeupSchedulerGrain.Key).Status(), status => status.Cursor < now, "the scheduler started");
        // Its place is stored although its cursor has not moved yet.
        Assert.NotNull((await _cluster.Journals[StorageNames.Wakeups].ReadAsync(WakeupSchedulerGrain.StateKey)).Snapshot);

        // The clock has not moved, so neither has the cursor; the scheduler ends, and a month passes before it starts again.
        await _cluster.Grains.GetGrain<IWakeupSchedulerGrain>(IWakeupSchedulerGrain.Key).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        _cluster.Clock.Advance(TimeSpan.FromDays(30));

        await Eventually.Async(async () => await shard.Contains(customer) is null, "the customer left the browsing segment", TimeSpan.FromSeconds(15));
        // The scheduler counts a minute's wake-ups once all of them are done, so the count may trail the customer's leaving.
        await Eventually.Async(() => _cluster.Grains.GetGrain<IWakeupSchedulerGrain>(IWakeupSchedulerGrain.Key).Status(), status => status.Woken >= 1, "the scheduler woke the customer");
    }
}
