using System.Threading.Channels;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Segments;
using static ProfileGrid.Grains.Tests.Cluster.ClusterFixture;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>
/// Segment member sets kept live by the customers: entering and leaving on events, on time passing without events,
/// and on erasure; subscribers hear every change (back-fills: <see cref="SegmentSweepClusterTests"/>).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SegmentMembershipTests(ClusterFixture fixture)
{
    private const string CartRule = "cart_abandoned.1h >= 1 and purchase.1h == 0";

    [Fact]
    public async Task A_customer_enters_on_the_event_that_makes_the_rule_true_and_leaves_on_the_one_that_makes_it_false()
    {
        var segment = await Define(CartRule);
        var recorder = new SegmentRecorder();
        var reference = fixture.Grains.CreateObjectReference<ISegmentObserver>(recorder);
        var id = NewCustomer();
        await fixture.Grains.For(segment, SegmentShards.Of(id)).Subscribe(reference);

        await Customer(id).ApplyEvents(Producer, [Event("e1", "cart_abandoned")]);
        var entered = await recorder.Next(id);
        var membersAfterCart = await Members(segment);
        await Customer(id).ApplyEvents(Producer, [Event("e2", "purchase", 40m)]);
        var left = await recorder.Next(id);

        Assert.Equal((segment, id, true), (entered.Segment, entered.CustomerId, entered.Entered));
        Assert.Equal(["cart_abandoned.1h = 1", "purchase.1h = 0"], entered.Reasons);
        Assert.Contains(id, membersAfterCart);
        Assert.Equal((segment, id, false), (left.Segment, left.CustomerId, left.Entered));
        Assert.DoesNotContain(id, await Members(segment));
    }

    [Fact]
    public async Task A_customer_leaves_a_windowed_segment_when_the_window_passes_without_any_event()
    {
        var segment = await Define(CartRule);
        var id = NewCustomer();
        await Customer(id).ApplyEvents(Producer, [Event("e1", "cart_abandoned")]);
        await WaitUntil(async () => (await Members(segment)).Contains(id));

        Clock.Advance(TimeSpan.FromMinutes(59));
        await Task.Delay(500);
        var after59Minutes = await Members(segment);
        Clock.Advance(TimeSpan.FromMinutes(2));
        await WaitUntil(async () => !(await Members(segment)).Contains(id));

        Assert.Contains(id, after59Minutes);
        Assert.DoesNotContain(id, await Members(segment));
    }

    [Fact]
    public async Task A_customer_who_sends_nothing_enters_a_segment_time_lets_them_into()
    {
        // "Browsed, and bought nothing in the last hour": a purchase keeps the customer out for an hour.
        var segment = await Define("browsed.total >= 1 and purchase.1h == 0");
        var id = NewCustomer();
        await Customer(id).ApplyEvents(Producer, [Event("t1", "browsed"), Event("t2", "purchase", 30m)]);
        await Task.Delay(500);
        var before = await Members(segment);

        Clock.Advance(TimeSpan.FromMinutes(61));

        await WaitUntil(async () => (await Members(segment)).Contains(id));
        Assert.DoesNotContain(id, before);
    }

    [Fact]
    public async Task An_erased_customer_leaves_every_segment()
    {
        var segment = await Define("page_view.total >= 1");
        var id = NewCustomer();
        await Customer(id).ApplyEvents(Producer, [Event("e1", "page_view")]);
        await WaitUntil(async () => (await Members(segment)).Contains(id));

        await Customer(id).EraseProfile();

        await WaitUntil(async () => !(await Members(segment)).Contains(id));
    }

    [Fact]
    public async Task Members_page_in_id_order_across_shards_and_count()
    {
        // A type no other test sends, so that the segment holds exactly these customers.
        var segment = await Define("paged_view.total >= 2");
        var ids = Enumerable.Range(0, 12).Select(_ => NewCustomer()).ToArray();
        foreach (var id in ids) await Customer(id).ApplyEvents(Producer, [Event("p1", "paged_view"), Event("p2", "paged_view")]);
        await WaitUntil(async () => (await Members(segment)).Length == ids.Length);

        var shard = fixture.Grains.For(segment, SegmentShards.Of(ids[0]));
        var inShard = ids.Where(id => SegmentShards.Of(id) == SegmentShards.Of(ids[0])).Order(StringComparer.Ordinal).ToArray();
        var first = await shard.Members(null, 1);
        var rest = await shard.Members(first[0].CustomerId, 100);

        Assert.Equal(inShard, first.Concat(rest).Select(member => member.CustomerId));
        Assert.Equal(inShard.Length, await shard.Count());
        Assert.All(first.Concat(rest), member => Assert.Equal(Clock.GetUtcNow(), member.Since));
    }

    private async Task<string> Define(string rule)
    {
        var name = $"s-{Guid.NewGuid():N}"[..20];
        await fixture.Grains.GetGrain<ISegmentRegistryGrain>(ISegmentRegistryGrain.Key).Define(name, rule, null, "test");
        // Every silo evaluates a definition at each write within the catalog's freshness.
        await Task.Delay(SegmentCatalog.Freshness + TimeSpan.FromMilliseconds(200));
        return name;
    }

    private async Task<string[]> Members(string segment)
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, SegmentShards.Count).Select(shard => fixture.Grains.For(segment, shard).Members(null, 10_000)));
        return [.. shards.SelectMany(members => members).Select(member => member.CustomerId)];
    }

    private ICustomerGrain Customer(string id) => fixture.Grains.GetGrain<ICustomerGrain>(id);

    private static string NewCustomer() => $"c-{Guid.NewGuid():N}";

    private static CustomerEvent Event(string id, string type, decimal? value = null) => new(id, type, Clock.GetUtcNow(), value, "web", null);

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not come true within 15 s.");
            await Task.Delay(50);
        }
    }

    private sealed class SegmentRecorder : ISegmentObserver
    {
        private readonly Channel<MembershipChange> _changes = Channel.CreateUnbounded<MembershipChange>();

        public Task SegmentChanged(MembershipChange change) => _changes.Writer.WriteAsync(change).AsTask();

        public async Task<MembershipChange> Next(string customerId)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (true)
            {
                var change = await _changes.Reader.ReadAsync(timeout.Token);
                if (change.CustomerId == customerId) return change;
            }
        }
    }
}
