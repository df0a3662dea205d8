namespace ProfileGrid.Segments.Members;

/// <summary>
/// A shard's directory in memory: its pages in id order, with counts kept up to date as changes are logged (so the
/// member count needs no page), the rows a checkpoint may write new pages to, and the rows it still has to blank.
/// </summary>
internal sealed class MemberDirectory
{
    private MemberDirectory(List<PageRef> pages, int nextPageId, List<SparePage> free, List<SparePage> retired, StoredVersion? legacy)
    {
        (Pages, NextPageId, Free, Retired, Legacy) = (pages, nextPageId, free, retired, legacy);
        Total = pages.Sum(page => page.Count);
    }

    /// <summary>The pages in id order; the first one's low key is empty.</summary>
    public List<PageRef> Pages { get; }

    /// <summary>The first page id no row was written for.</summary>
    public int NextPageId { get; set; }

    /// <summary>Blank page rows, in the order a checkpoint writes new pages to them (then to <see cref="NextPageId"/> on).</summary>
    public List<SparePage> Free { get; }

    /// <summary>Page rows replaced by a checkpoint, which may still hold members: blanked, then free.</summary>
    public List<SparePage> Retired { get; }

    /// <summary>The row of the shard's format before pages, while it may still hold members.</summary>
    public StoredVersion? Legacy { get; set; }

    /// <summary>Members in all pages.</summary>
    public int Total { get; private set; }

    /// <summary>A shard that has stored nothing: one empty page, whose row is written when it first has members.</summary>
    public static MemberDirectory Empty() => new([new PageRef("", 0, 0, 0)], 1, [], [], null);

    public static MemberDirectory New(List<PageRef> pages, int nextPageId, List<SparePage> free, List<SparePage> retired, StoredVersion? legacy) =>
        new(pages, nextPageId, free, retired, legacy);

    /// <summary>The position of the page that holds (or would hold) <paramref name="customerId"/>: the last whose low key is not after it.</summary>
    public int IndexOf(string customerId)
    {
        int low = 1, high = Pages.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (string.CompareOrdinal(Pages[mid].LowKey, customerId) <= 0) low = mid + 1;
            else high = mid;
        }

        return low - 1;
    }

    /// <summary>Counts a logged change into its page.</summary>
    public void Count(IndexChange change)
    {
        var delta = change.Kind switch
        {
            IndexChangeKind.Added => 1,
            IndexChangeKind.Removed => -1,
            _ => 0,
        };
        var page = Pages[IndexOf(change.CustomerId)];
        page.Count += delta;
        page.Bytes += delta * PageBounds.SizeOf(change.CustomerId);
        Total += delta;
    }

    public MemberDirectorySnapshot ToSnapshot(long lsn, IReadOnlyList<MemberLogEntry> log) => new(
        lsn,
        [.. Pages.Select(page => page.LowKey)],
        [.. Pages.Select(page => page.PageId)],
        [.. Pages.Select(page => page.Count)],
        [.. Pages.Select(page => page.Bytes)],
        NextPageId,
        [.. Free],
        [.. Retired],
        Legacy,
        [.. log]);

    public static MemberDirectory From(MemberDirectorySnapshot snapshot) => new(
        [.. snapshot.LowKeys.Select((lowKey, i) => new PageRef(lowKey, snapshot.PageIds[i], snapshot.Counts[i], snapshot.Bytes[i]))],
        snapshot.NextPageId,
        [.. snapshot.Free],
        [.. snapshot.Retired],
        snapshot.Legacy);
}
