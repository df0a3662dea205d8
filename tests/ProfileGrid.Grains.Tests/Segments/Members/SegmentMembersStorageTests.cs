using ProfileGrid.Segments;
using ProfileGrid.Segments.Members;
using ProfileGrid.Storage;

namespace ProfileGrid.Grains.Tests.Segments.Members;

/// <summary>
/// A shard's member index on memory journal storage (the contract), and at a size no single row could hold: rows stay
/// bounded however many members a shard has.
/// </summary>
public sealed class SegmentMembersStorageTests : MemberIndexContract
{
    protected override IJournalStorage Storage { get; } = new MemoryJournalStorage();

    [Fact]
    public async Task A_shard_holds_more_members_than_one_row_could_in_rows_of_bounded_size()
    {
        // 20,000 ids of 40 characters: 800,000 bytes of ids alone, past a journal snapshot's 768 KiB.
        var shard = NewShard();
        var index = await Open(shard, new SegmentMembersOptions { PageBytes = 8 * 1024 });
        string[] ids = [.. Enumerable.Range(0, 20_000).Select(i => $"customer-{Guid.NewGuid():N}"[..31] + $"-{i:D8}")];
        foreach (var chunk in ids.Chunk(100)) await index.UpdateAsync([.. chunk.Select(id => Enter(id))]);

        var members = await PagedMembers.ReadAllAsync(async after => await index.MembersAsync(after, 1000));

        var rows = await ShardRows.ReadAsync(Storage, shard);
        var largest = rows.Rows.Values.Max(read => read.StoredBytes);
        Assert.Equal(40, ids[0].Length);
        Assert.True(ids.Sum(id => id.Length) > JournalVersion.MaxSnapshotBytes);
        Assert.Equal(ids.Order(StringComparer.Ordinal), members);
        Assert.Equal(20_000, index.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), rows.AssertConsistent());
        // Pages are split at 4 KiB (half of 8 KiB): about 68 members of 60 estimated bytes; the directory and its log are the largest row.
        Assert.True(largest < 256 * 1024, $"the largest row stores {largest:N0} bytes");
        Assert.InRange(index.PageCount, 20_000 / 136, 20_000 / 34);
    }
}
