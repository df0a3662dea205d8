using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Segments;
using ProfileGrid.Testing;
using static ProfileGrid.Grains.Tests.Cluster.ClusterFixture;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>
/// Entering and leaving are announced durably: the customer's state records each change until its member set
/// confirms it, so an announcement the member set refused, and that the activation then lost, reaches it once the
/// customer is next read or woken. (Before, a lost announcement was never repaired.)
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AnnouncementTests(ClusterFixture fixture) : IDisposable
{
    [Fact]
    public async Task An_announcement_the_member_set_refused_is_sent_again_when_the_customer_is_woken()
    {
        var (segment, id) = await RefusedEntry();

        FaultableMembersStorage.FailWrites = false;
        Clock.Advance(CustomerWakeups.RetryDelay + TimeSpan.FromMinutes(1));

        await Eventually.Async(() => Members(segment), members => members.Contains(id), "the woken customer announced its entry again");
    }

    [Fact]
    public async Task An_announcement_the_member_set_refused_is_sent_again_when_the_customer_is_next_read()
    {
        var (segment, id) = await RefusedEntry();

        FaultableMembersStorage.FailWrites = false;
        await Customer(id).GetProfile();

        await Eventually.Async(() => Members(segment), members => members.Contains(id), "the customer, read again, announced its entry");
        // Confirmed: the state forgets the announcement, stored at the latest when the activation ends.
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await Eventually.Async(() => Unannounced(id), pending => pending is null, "the stored state forgot the confirmed announcement");
    }

    public void Dispose() => FaultableMembersStorage.FailWrites = false;

    /// <summary>A customer that entered a new segment while its member set refused every write, and whose activation then ended.</summary>
    private async Task<(string Segment, string Id)> RefusedEntry()
    {
        var segment = $"s-{Guid.NewGuid():N}"[..20];
        var definition = await fixture.Grains.GetGrain<ISegmentRegistryGrain>(ISegmentRegistryGrain.Key).Define(segment, "purchase.total >= 1", null, "test");
        // The definition's back-fill, which announces every member again, is over before the customer exists: only the
        // customer's own state can repair its member set.
        await Eventually.Async(async () => (await fixture.Grains.GetGrain<ISegmentSweepGrain>(ISegmentSweepGrain.Key).Status(segment)).Backfill,
            status => status.State == BackfillState.Done, "the back-fill finished");
        var id = $"c-{Guid.NewGuid():N}";
        FaultableMembersStorage.FailWrites = true;
        await Customer(id).ApplyEvents(Producer, [new CustomerEvent("p1", "purchase", Clock.GetUtcNow(), 10m, "web", null)]);
        await Customer(id).ReevaluateSegments([new SegmentVersion(definition.Name, definition.DefinedAt)]);

        var pending = await Eventually.Async(() => Unannounced(id), unannounced => unannounced?.ContainsKey(segment) == true, "the state recorded the entry as unannounced");
        // Every try failed: the customer asked to be woken to send it again.
        // (Named as the registration on its way: the record that it is registered goes with the next write.)
        await Eventually.Async(async () => await Stored(id), state => state.WakeupTicks != 0 || state.IntendedWakeupTicks != 0, "the customer asked to be woken");
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.DoesNotContain(id, await Members(segment));
        Assert.True(pending!.ContainsKey(segment));
        return (segment, id);
    }

    private ICustomerGrain Customer(string id) => fixture.Grains.GetGrain<ICustomerGrain>(id);

    private async Task<string[]> Members(string segment) =>
        [.. (await Task.WhenAll(Enumerable.Range(0, SegmentShards.Count).Select(shard => fixture.Grains.For(segment, shard).Members(null, 100))))
            .SelectMany(page => page).Select(member => member.CustomerId)];

    private static async Task<Dictionary<string, long>?> Unannounced(string id) => (await Stored(id)).Unannounced;

    private static async Task<CustomerState> Stored(string id) =>
        await new CustomerJournal(FaultableJournalStorage.Shared, SerializerFixture.Codec, id).ReadAsync();
}
