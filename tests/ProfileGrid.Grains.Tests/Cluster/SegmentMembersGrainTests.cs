using System.Threading.Channels;
using ProfileGrid.Grains.Tests.Segments.Members;
using ProfileGrid.Segments;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>
/// A segment shard as gateways and customers call it: whether a customer is a member (since when, as of which of its
/// sequence numbers), announcements sent again ignored, subscribers told only of entering and leaving, and a shard of
/// many pages (the cluster's pages hold 8 members) paged and counted like one.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SegmentMembersGrainTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_shard_answers_whether_a_customer_is_a_member_since_when_and_as_of_which_change()
    {
        var shard = Shard();
        await shard.Update([Enter("ann", 3), Enter("bob", 1)]);
        await shard.Update([Enter("ann", 5, At.AddHours(1)), Leave("bob", 2)]);

        Assert.Equal(new SegmentMember("ann", At, 5), await shard.Contains("ann"));
        Assert.Null(await shard.Contains("bob"));
        Assert.Null(await shard.Contains("carl"));
        Assert.Equal(1, await shard.Count());
    }

    [Fact]
    public async Task Subscribers_hear_entering_and_leaving_but_not_a_refresh_or_an_announcement_sent_again()
    {
        var shard = Shard();
        var recorder = new Recorder();
        await shard.Subscribe(fixture.Grains.CreateObjectReference<ISegmentObserver>(recorder));

        await shard.Update([Enter("ann", 3)]);
        await shard.Update([Enter("ann", 4), Enter("ann", 3), Leave("ann", 2)]);
        await shard.Update([Leave("ann", 6)]);

        Assert.Equal(("ann", true, 3L), await recorder.Next());
        Assert.Equal(("ann", false, 6L), await recorder.Next());
        Assert.Null(await shard.Contains("ann"));
    }

    [Fact]
    public async Task A_shard_of_many_pages_answers_pages_in_id_order_and_its_count()
    {
        var shard = Shard();
        string[] ids = [.. Enumerable.Range(0, 150).Select(i => $"c-{i * 7 % 150:D3}")];
        foreach (var chunk in ids.Chunk(10)) await shard.Update([.. chunk.Select(id => Enter(id, 1))]);
        // Leaving and entering again: more than a full log, so pages split and the log is carried into them.
        foreach (var id in ids.Where((_, i) => i % 3 == 0)) await shard.Update([Leave(id, 2)]);
        foreach (var id in ids.Where((_, i) => i % 6 == 0)) await shard.Update([Enter(id, 3)]);

        var members = await PagedMembers.ReadAllAsync(async after => await shard.Members(after, 20));

        string[] expected = [.. ids.Where((_, i) => i % 3 != 0 || i % 6 == 0).Order(StringComparer.Ordinal)];
        Assert.Equal(expected, members);
        Assert.Equal(expected.Length, await shard.Count());
    }

    private ISegmentMembersGrain Shard() => fixture.Grains.For($"shard-{Guid.NewGuid():N}"[..20], 3);

    private static MembershipChange Enter(string id, long sequence, DateTimeOffset? at = null) =>
        new("s", id, Entered: true, ["x.total = 1"], at ?? At, Sequence: sequence);

    private static MembershipChange Leave(string id, long sequence) => new("s", id, Entered: false, [], At, Sequence: sequence);

    private sealed class Recorder : ISegmentObserver
    {
        private readonly Channel<MembershipChange> _changes = Channel.CreateUnbounded<MembershipChange>();

        public Task SegmentChanged(MembershipChange change) => _changes.Writer.WriteAsync(change).AsTask();

        public async Task<(string CustomerId, bool Entered, long Sequence)> Next()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var change = await _changes.Reader.ReadAsync(timeout.Token);
            return (change.CustomerId, change.Entered, change.Sequence);
        }
    }
}
