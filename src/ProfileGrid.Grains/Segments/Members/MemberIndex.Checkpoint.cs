using ProfileGrid.Storage;

namespace ProfileGrid.Segments.Members;

/// <summary>Checkpoints: the log carried into the pages, pages split, merged and dropped, the directory committed, replaced rows blanked.</summary>
internal sealed partial class MemberIndex
{
    /// <summary>
    /// Carries the log into the pages, splits pages past their bounds, merges small ones and drops empty ones, writes
    /// the directory's snapshot without the log (the commit), then blanks the rows it replaced. The pages whose range
    /// holds an id of <paramref name="erased"/> are rewritten as snapshots.
    /// </summary>
    private async Task CheckpointAsync(IReadOnlyCollection<string> erased)
    {
        var plan = await PlanAsync(erased);
        var written = await WriteAllAsync(plan.Writes);
        var created = await CreateAsync(plan.Layout.Where(slot => slot.Fresh is not null).Select(slot => slot.Fresh!).ToList());

        var pages = new List<PageRef>();
        var free = new List<SparePage>(_directory.Free);
        var nextPageId = _directory.NextPageId;
        var fresh = new Queue<(int PageId, JournalVersion Version)>(created);
        foreach (var (page, content) in plan.Layout)
        {
            if (content is not null) page.PageId = fresh.Dequeue().PageId;
            pages.Add(page);
        }

        foreach (var (pageId, _) in created)
        {
            if (free.Count > 0 && free[0].PageId == pageId) free.RemoveAt(0);
            else nextPageId = Math.Max(nextPageId, pageId + 1);
        }

        List<SparePage> retired = [.. _directory.Retired, .. plan.Retired
            .Where(pageId => _stored.GetValueOrDefault(pageId).Version.Exists)
            .Select(pageId => new SparePage(pageId, StoredVersion.Of(_stored[pageId].Version)))];
        var directory = MemberDirectory.New(pages, nextPageId, free, retired, _directory.Legacy);
        await WriteDirectoryAsync(JournalWrite.Snapshot(EncodeDirectory(directory, _lsn, [])));

        _directory = directory;
        _log.Clear();
        _logBytes = 0;
        foreach (var (pageId, version) in written) _stored[pageId] = new StoredPage(version, _lsn);
        foreach (var pageId in plan.Retired)
        {
            _cache.Remove(pageId);
            _stored.Remove(pageId);
            _filters.Remove(pageId);
        }

        foreach (var ((pageId, version), content) in created.Zip(plan.Layout.Where(slot => slot.Fresh is not null).Select(slot => slot.Fresh!)))
        {
            _stored[pageId] = new StoredPage(version, _lsn);
            _filters[pageId] = FilterOf(content);
            _cache.Add(pageId, content);
        }

        await BlankRetiredAsync();
    }

    /// <summary>What a checkpoint writes: the directory's pages after it (new ones with their members), the pages written in place, the pages it replaces.</summary>
    private async Task<CheckpointPlan> PlanAsync(IReadOnlyCollection<string> erased)
    {
        var pages = _directory.Pages;
        var rewrite = erased.Select(_directory.IndexOf).ToHashSet();
        var (logged, last) = Logged();
        var plan = new CheckpointPlan();
        for (var position = 0; position < pages.Count; position++)
        {
            var page = pages[position];
            // A low key that names a customer who left moves to the page's first member, so that the directory keeps
            // only members' ids (an erased customer's included, until its leave comes).
            var staleLowKey = last.TryGetValue(page.LowKey, out var change) && change.Kind == IndexChangeKind.Removed;
            if (!rewrite.Contains(position) && !logged.Contains(position) && !staleLowKey)
            {
                plan.Layout.Add((page.Copy(), null));
                continue;
            }

            if (page.Count == 0 && pages.Count > 1)
            {
                // An empty page goes: the page before takes its range (for the first, the page after does).
                if (!_stored.ContainsKey(page.PageId)) await PageAsync(position);
                plan.Retired.Add(page.PageId);
                continue;
            }

            if (_bounds.IsOver(page.Count, page.Bytes))
            {
                foreach (var piece in (await PageAsync(position)).Split(_bounds)) plan.Layout.Add((PageRefOf(piece), piece));
                plan.Retired.Add(page.PageId);
                continue;
            }

            if (_bounds.IsUnder(page.Count, page.Bytes) && position + 1 < pages.Count
                && _bounds.FitsOneHalf(page.Count + pages[position + 1].Count, page.Bytes + pages[position + 1].Bytes))
            {
                var merged = (await PageAsync(position)).Merge(await PageAsync(position + 1));
                plan.Layout.Add((PageRefOf(merged), merged));
                plan.Retired.AddRange([page.PageId, pages[++position].PageId]);
                continue;
            }

            var snapshot = rewrite.Contains(position) || staleLowKey;
            var next = page.Copy();
            if (snapshot) next.LowKey = (await PageAsync(position)).First ?? page.LowKey;
            plan.Layout.Add((next, null));
            if (await BringUpToDateAsync(position, snapshot) is { } write) plan.Writes.Add(write);
        }

        // The first page holds every id before the second's low key; a shard keeps at least one page.
        if (plan.Layout.Count == 0) plan.Layout.Add((PageRefOf(MemberPage.Empty(_lsn)), MemberPage.Empty(_lsn)));
        plan.Layout[0].Page.LowKey = "";
        return plan;
    }

    private static PageRef PageRefOf(MemberPage page) => new(page.First ?? "", -1, page.Count, page.Bytes);

    /// <summary>Writes the pages in place, all at once: each redoes logged changes, so their order does not matter.</summary>
    private async Task<List<(int PageId, JournalVersion Version)>> WriteAllAsync(List<PageWrite> writes)
    {
        var tasks = new List<Task<JournalVersion>>(writes.Count);
        try
        {
            foreach (var write in writes) tasks.Add(_storage.WriteAsync(_keys.Page(write.PageId), write.Expected, write.Write));
            await Task.WhenAll(tasks);
        }
        catch
        {
            Broken = true;
            throw;
        }

        return [.. writes.Select((write, i) => (write.PageId, tasks[i].Result))];
    }

    /// <summary>
    /// Writes new pages one at a time, to the free rows in order and then to new ids, each expecting the row as the
    /// directory recorded it (blank, or absent): a row another activation used since is refused, not overwritten.
    /// In this order, a failed checkpoint leaves rows only where the next activation looks (<see cref="CleanUpAsync"/>).
    /// </summary>
    private async Task<List<(int PageId, JournalVersion Version)>> CreateAsync(List<MemberPage> pages)
    {
        var created = new List<(int, JournalVersion)>();
        for (var i = 0; i < pages.Count; i++)
        {
            var (pageId, expected) = i < _directory.Free.Count
                ? (_directory.Free[i].PageId, _directory.Free[i].Version.ToJournal())
                : (_directory.NextPageId + i - _directory.Free.Count, JournalVersion.None);
            created.Add((pageId, await WritePageAsync(pageId, expected, JournalWrite.Snapshot(EncodePage(pages[i])))));
        }

        return created;
    }

    /// <summary>Blanks the rows the directory lists as replaced, and lists them as free.</summary>
    private async Task BlankRetiredAsync()
    {
        while (_directory.Retired.Count > 0)
        {
            var retired = _directory.Retired[0];
            var version = await WritePageAsync(retired.PageId, retired.Version.ToJournal(), JournalWrite.Snapshot(BlankPage()));
            _directory.Retired.RemoveAt(0);
            _directory.Free.Add(new SparePage(retired.PageId, StoredVersion.Of(version)));
        }
    }

    private async Task<JournalVersion> WritePageAsync(int pageId, JournalVersion expected, JournalWrite write)
    {
        try
        {
            return await _storage.WriteAsync(_keys.Page(pageId), expected, write);
        }
        catch
        {
            Broken = true;
            throw;
        }
    }

    private sealed class CheckpointPlan
    {
        /// <summary>The directory's pages after the checkpoint, in id order; a new page (id not given yet) with its members.</summary>
        public List<(PageRef Page, MemberPage? Fresh)> Layout { get; } = [];

        public List<PageWrite> Writes { get; } = [];

        public List<int> Retired { get; } = [];
    }

    private sealed record PageWrite(int PageId, JournalVersion Expected, JournalWrite Write);
}
