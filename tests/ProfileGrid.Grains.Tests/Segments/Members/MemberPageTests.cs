using ProfileGrid.Segments;
using ProfileGrid.Segments.Members;

namespace ProfileGrid.Grains.Tests.Segments.Members;

/// <summary>A member page: ids in ordinal order, changes applied by LSN, split into pages half as full, merged, stored and read back.</summary>
public sealed class MemberPageTests
{
    private static readonly PageBounds Bounds = new(Members: 8, Bytes: 1024);

    [Fact]
    public void Members_are_kept_in_ordinal_order_and_a_page_starts_after_the_id_it_is_given()
    {
        var page = PageOf("b", "a", "B", "a-1", "ab");
        var all = new List<SegmentMember>();
        var afterA = new List<SegmentMember>();

        page.AddAfter(null, 10, all);
        page.AddAfter("a", 2, afterA);

        Assert.Equal(["B", "a", "a-1", "ab", "b"], all.Select(member => member.CustomerId));
        Assert.Equal(["a-1", "ab"], afterA.Select(member => member.CustomerId));
        Assert.Equal("B", page.First);
    }

    [Fact]
    public void A_change_enters_refreshes_or_removes_a_member_and_counts_its_bytes()
    {
        var page = MemberPage.Empty();
        page.Apply(1, [new IndexChange("ann", IndexChangeKind.Added, 100, 1), new IndexChange("bob", IndexChangeKind.Added, 200, 1)]);
        page.Apply(2, [new IndexChange("ann", IndexChangeKind.Refreshed, 100, 5), new IndexChange("bob", IndexChangeKind.Removed, 0, 2)]);

        Assert.Equal(1, page.Count);
        Assert.True(page.TryGet("ann", out var ann));
        Assert.Equal(new MemberRecord(100, 5), ann);
        Assert.Equal(PageBounds.SizeOf("ann"), page.Bytes);
        Assert.Equal(2, page.Lsn);
    }

    [Fact]
    public void Applying_the_same_changes_again_changes_nothing()
    {
        IndexChange[] changes = [new("ann", IndexChangeKind.Added, 100, 1), new("bob", IndexChangeKind.Added, 100, 1), new("ann", IndexChangeKind.Removed, 0, 2)];
        var once = MemberPage.Empty();
        once.Apply(3, changes);
        var twice = MemberPage.Empty();
        twice.Apply(3, changes);
        twice.Apply(3, changes);

        Assert.Equal(Ids(once), Ids(twice));
        Assert.Equal(once.Bytes, twice.Bytes);
    }

    [Fact]
    public void A_page_just_past_its_bounds_splits_into_two_halves_in_id_order()
    {
        var page = PageOf([.. Enumerable.Range(0, 9).Select(i => $"c{i}")]);

        var pieces = page.Split(Bounds);

        Assert.True(Bounds.IsOver(page.Count, page.Bytes));
        Assert.Equal([["c0", "c1", "c2", "c3", "c4"], ["c5", "c6", "c7", "c8"]], pieces.Select(Ids));
        Assert.Equal(page.Bytes, pieces.Sum(piece => piece.Bytes));
    }

    [Fact]
    public void A_page_far_past_its_bounds_splits_into_even_pages_at_most_three_quarters_full()
    {
        // 64 members where 8 fit: eleven pages of five or six.
        var page = PageOf([.. Enumerable.Range(0, 64).Select(i => $"c{i:D2}")]);

        var pieces = page.Split(Bounds);

        Assert.Equal([6, 6, 6, 6, 6, 5, 6, 6, 6, 6, 5], pieces.Select(piece => piece.Count));
        Assert.Equal(page.Ids, pieces.SelectMany(Ids));
    }

    [Fact]
    public void Long_ids_split_by_bytes_before_the_member_count_is_reached()
    {
        // 128-character ids cost 148 bytes each: seven of them are past 1,024 bytes, though within 8 members.
        var page = PageOf([.. Enumerable.Range(0, 7).Select(i => $"{i}".PadRight(128, 'x'))]);

        var pieces = page.Split(Bounds);

        Assert.True(Bounds.IsOver(page.Count, page.Bytes));
        Assert.Equal([4, 3], pieces.Select(piece => piece.Count));
        Assert.All(pieces, piece => Assert.False(Bounds.IsOver(piece.Count, piece.Bytes)));
    }

    [Fact]
    public void Small_pages_merge_into_one_with_both_members()
    {
        var merged = PageOf("a", "b").Merge(PageOf("c"));

        Assert.Equal(["a", "b", "c"], Ids(merged));
        Assert.Equal(PageOf("a", "b", "c").Bytes, merged.Bytes);
        Assert.True(Bounds.IsUnder(1, PageBounds.SizeOf("c")));
        Assert.True(Bounds.FitsOneHalf(3, merged.Bytes));
    }

    [Fact]
    public void A_snapshot_reads_back_as_the_same_page()
    {
        var page = PageOf("b", "a");
        var snapshot = SerializerFixture.Codec.Encode(page.ToSnapshot(7), compress: true);

        var read = MemberPage.From(SerializerFixture.Codec.Decode<MemberPageSnapshot>(snapshot, "page"));

        Assert.Equal(["a", "b"], Ids(read));
        Assert.Equal(7, read.Lsn);
        Assert.Equal(page.Bytes, read.Bytes);
        Assert.True(read.TryGet("b", out var b));
        Assert.Equal(new MemberRecord(1000, 2), b);
    }

    private static MemberPage PageOf(params string[] ids)
    {
        var page = MemberPage.Empty();
        page.Apply(1, ids.Select(id => new IndexChange(id, IndexChangeKind.Added, 1000, 2)));
        return page;
    }

    private static string[] Ids(MemberPage page)
    {
        var members = new List<SegmentMember>();
        page.AddAfter(null, int.MaxValue, members);
        return [.. members.Select(member => member.CustomerId)];
    }
}
