using ProfileGrid.Storage;
using ProfileGrid.Wakeups;
using static ProfileGrid.Grains.Tests.Cluster.ClusterFixture;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>
/// One bucket of the wake-up schedule: a customer held once at its earliest instant, registrations passed on to a later
/// minute when the bucket's minute is ending or the bucket is full, and a row that holds what the bucket holds.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WakeupBucketTests(ClusterFixture fixture)
{
    // A minute no test's clock reaches: nothing wakes these customers.
    private static readonly long Later = WakeupBuckets.MinuteOf(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_customer_is_held_once_at_its_earliest_instant()
    {
        var bucket = fixture.Grains.Bucket(Later, 3);
        var start = WakeupBuckets.StartOf(Later);

        var first = await bucket.Register("ann", start.AddSeconds(40));
        var earlier = await bucket.Register("ann", start.AddSeconds(10));
        var later = await bucket.Register("ann", start.AddSeconds(50));
        var due = await bucket.Due(start.AddMinutes(1), 10);

        Assert.Equal([start.AddSeconds(40), start.AddSeconds(10), start.AddSeconds(10)], [first, earlier, later]);
        Assert.Equal([new WakeupEntry("ann", start.AddSeconds(10))], due.Due);
        Assert.Equal(1, due.Held);
        Assert.Empty((await bucket.Due(start.AddSeconds(9), 10)).Due);
    }

    [Fact]
    public async Task A_registration_for_a_minute_that_is_ending_goes_to_the_next_minute()
    {
        var now = Clock.GetUtcNow();
        var ended = WakeupBuckets.MinuteOf(now) - 1;
        var id = $"late-{Guid.NewGuid():N}";

        var at = await fixture.Grains.Bucket(ended, 5).Register(id, WakeupBuckets.StartOf(ended).AddSeconds(30));

        Assert.Equal(WakeupBuckets.StartOf(WakeupBuckets.MinuteOf(now + WakeupBuckets.Grace)), at);
        Assert.DoesNotContain(id, (await fixture.Grains.Bucket(ended, 5).Due(now, 1_000)).Due.Select(entry => entry.CustomerId));
    }

    [Fact]
    public async Task A_full_bucket_passes_registrations_on_to_the_next_minute_and_its_row_stays_inside_a_journals_bounds()
    {
        var minute = Later + 1_000_000;
        var bucket = fixture.Grains.Bucket(minute, 7);
        var start = WakeupBuckets.StartOf(minute);
        // The longest ids allowed, 128 characters (140 bytes each as the bucket counts them), of random hex.
        var ids = Enumerable.Range(0, 3_745).Select(i => string.Concat(Enumerable.Range(0, 4).Select(_ => Guid.NewGuid().ToString("N")))).ToArray();

        var held = new List<DateTimeOffset>();
        foreach (var chunk in ids.Chunk(500)) held.AddRange(await Task.WhenAll(chunk.Select(id => bucket.Register(id, start))));
        var row = await WakeupStorage.ReadAsync(WakeupBuckets.Key(minute, 7));

        Assert.Equal(128, ids[0].Length);
        Assert.Equal(3_744, held.Count(at => at == start));
        Assert.Equal(1, held.Count(at => at == start.AddMinutes(1)));
        Assert.Equal(3_744, (await bucket.Due(start, 10)).Held);
        Assert.InRange(row.StoredBytes, 1, JournalVersion.MaxSnapshotBytes);
    }
}
