using ProfileGrid.Segments;
using ProfileGrid.Storage;

namespace ProfileGrid.Grains.Tests.Segments;

/// <summary>
/// What a segment shard stores: a million members over <see cref="SegmentShards.Count"/> shards is about 15,600 per
/// shard, and their snapshot must fit a journal row; a change is an entry of its own size, whatever the member count.
/// </summary>
public sealed class SegmentMembersStorageTests
{
    [Fact]
    public void A_shard_of_a_million_member_segment_fits_a_journal_snapshot_with_room_to_spare()
    {
        const int members = 1_000_000 / SegmentShards.Count + 1000;
        var shard = new SortedList<string, SegmentMemberRecord>(StringComparer.Ordinal);
        var since = new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        // Ids as producers make them: a prefix and a GUID (34 characters), which compress poorly.
        for (var i = 0; i < members; i++) shard[$"c-{Guid.NewGuid():N}"] = new SegmentMemberRecord(since + i * TimeSpan.TicksPerSecond, i % 3 == 0 ? since + TimeSpan.TicksPerHour : 0);

        var snapshot = SerializerFixture.Codec.Encode(SegmentMembersSnapshot.Of(shard), compress: true);

        Assert.True(snapshot.Length < JournalVersion.MaxSnapshotBytes * 0.8, $"{members:N0} members take {snapshot.Length:N0} bytes");
        var read = new SortedList<string, SegmentMemberRecord>(StringComparer.Ordinal);
        SerializerFixture.Codec.Decode<SegmentMembersSnapshot>(snapshot, "shard").LoadInto(read);
        Assert.Equal(shard, read);
    }

    [Fact]
    public void A_change_is_stored_as_an_entry_of_its_own_size()
    {
        var entry = SerializerFixture.Codec.Encode(new SegmentMembersEntry([new StoredChange($"c-{Guid.NewGuid():N}", true, DateTimeOffset.UtcNow.UtcTicks, 0)]), compress: false);

        Assert.InRange(entry.Length, 40, 80);
    }
}
