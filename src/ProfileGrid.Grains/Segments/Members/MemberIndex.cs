using ProfileGrid.Customers;
using ProfileGrid.Storage;

namespace ProfileGrid.Segments.Members;

/// <summary>
/// One shard's members on journal storage in rows of bounded size, like a B-tree's leaf level under one directory:
/// pages by id range (<see cref="PageBounds"/>), read on demand into a bounded <see cref="PageCache"/>, and a directory
/// journal that lists the pages with their counts and logs the changes. A page that was read keeps a
/// <see cref="MemberFilter"/>, so a customer who is not a member enters without its page being read again.
/// </summary>
/// <remarks>
/// <para>
/// A call's changes are stored by one append to the directory's log: that write is their commit, and the count moves
/// with it. When the log is full, a checkpoint carries it into the pages (an append to each page it touched, or a
/// rewrite), splits pages past their bounds, merges small ones and drops empty ones, and then writes the directory's
/// snapshot without the log. Page writes before that snapshot only redo changes the log holds, and a page records the
/// LSN (log sequence number) of the last change it holds, so it never takes a change twice, nor an older one after a
/// newer: a checkpoint that fails part-way is simply done again.
/// </para>
/// <para>
/// A page that splits or merges is not rewritten in place: its members go to new rows (the free rows first, in order,
/// then new ids), the directory's snapshot switches to them (the commit), and only then is the old row blanked (an
/// empty snapshot; the storage has no delete) and kept for reuse. When the shard is read, rows that a failed
/// checkpoint wrote (found in that same order) and replaced rows not yet blanked are blanked, after a write of the
/// directory that keeps an older activation still running from committing. So no member is lost or doubled, and no
/// row the directory does not use keeps an id.
/// </para>
/// <para>
/// Memory holds exactly what storage holds: changes are applied in memory after their write, and a write that fails
/// (whose outcome is unknown) marks the index <see cref="Broken"/>, so that its grain is read again from storage.
/// </para>
/// </remarks>
internal sealed class MemberIndex
{
    // A call's changes are stored in log entries of about this many bytes at most.
    private const int MaxChunkBytes = 32 * 1024;

    private readonly IJournalStorage _storage;
    private readonly CustomerCodec _codec;
    private readonly MemberKeys _keys;
    private readonly PageBounds _bounds;
    private readonly PageCache _cache;
    private readonly Dictionary<int, StoredPage> _stored = [];
    private readonly Dictionary<int, MemberFilter> _filters = [];
    private readonly Dictionary<int, Task<MemberPage>> _loading = [];
    private readonly List<MemberLogEntry> _log = [];
    private MemberDirectory _directory = MemberDirectory.Empty();
    private JournalVersion _version = JournalVersion.None;
    private int _logBytes;
    private long _lsn;

    private MemberIndex(IJournalStorage storage, CustomerCodec codec, string shard, SegmentMembersOptions options)
    {
        if (options.Problem() is { } problem) throw new ArgumentException(problem, nameof(options));
        (_storage, _codec, _keys) = (storage, codec, new MemberKeys(shard));
        _bounds = new PageBounds(options.PageMembers, options.PageBytes);
        _cache = new PageCache(options.CachedMembers);
    }

    /// <summary>Reads the shard's directory (no page), moves a shard of the earlier format into pages, and blanks rows a failed write left.</summary>
    public static async Task<MemberIndex> OpenAsync(IJournalStorage storage, CustomerCodec codec, string shard, SegmentMembersOptions options)
    {
        var index = new MemberIndex(storage, codec, shard, options);
        await index.ReadAsync();
        return index;
    }

    /// <summary>A write failed: storage may hold more than memory does, so this index takes no more writes.</summary>
    public bool Broken { get; private set; }

    /// <summary>Members of the shard.</summary>
    public int Count => _directory.Total;

    public int PageCount => _directory.Pages.Count;

    /// <summary>Members in the pages held in memory now.</summary>
    public int CachedMembers => _cache.Members;

    /// <summary>
    /// Stores what <paramref name="changes"/> do, in order (<see cref="ChangeResolver"/>); returns those that entered a
    /// customer or removed a member, for the subscribers. Changes that fill more than one log entry are stored entry
    /// by entry: when one fails, the entries before it stay stored.
    /// </summary>
    public async Task<List<MembershipChange>> UpdateAsync(IReadOnlyList<MembershipChange> changes)
    {
        ObjectDisposedException.ThrowIf(Broken, this);
        var news = new List<MembershipChange>();
        var resolved = new List<IndexChange>();
        var members = new Dictionary<string, MemberRecord?>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            var id = change.CustomerId;
            if (!members.TryGetValue(id, out var held)) held = await FindAsync(id);
            if (ChangeResolver.Resolve(change, held) is not { } stored) continue;
            members[id] = ChangeResolver.After(stored);
            resolved.Add(stored);
            if (stored.Kind != IndexChangeKind.Refreshed) news.Add(change);
        }

        foreach (var chunk in Chunks(resolved)) await LogAsync(chunk);
        return news;
    }

    /// <summary>
    /// Rewrites what may hold these ids so that nothing stored keeps them: the page whose range holds each one (a
    /// snapshot, without its earlier entries) and the directory (a snapshot without the log). Store their leaves first.
    /// </summary>
    public async Task EraseAsync(IReadOnlyCollection<string> customerIds)
    {
        ObjectDisposedException.ThrowIf(Broken, this);
        if (customerIds.Count > 0 && _version.Exists) await CheckpointAsync(customerIds);
    }

    /// <summary>The member's record, or null when the customer is not a member (without reading its page when the page's filter says so).</summary>
    public async Task<MemberRecord?> FindAsync(string customerId)
    {
        var position = _directory.IndexOf(customerId);
        if (_filters.TryGetValue(_directory.Pages[position].PageId, out var filter) && !filter.MayContain(customerId)) return null;
        var page = await PageAsync(position);
        return page.TryGet(customerId, out var member) ? member : null;
    }

    /// <summary>Members with an id after <paramref name="after"/> (ordinal), at most <paramref name="limit"/>, in id order: pages are read from the one that holds <paramref name="after"/> on, empty ones skipped.</summary>
    public async Task<List<SegmentMember>> MembersAsync(string? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var members = new List<SegmentMember>(Math.Min(limit, Count));
        var pages = _directory.Pages;
        for (var position = after is null ? 0 : _directory.IndexOf(after); position < pages.Count && members.Count < limit; position++)
        {
            if (pages[position].Count > 0) (await PageAsync(position)).AddAfter(after, limit, members);
        }

        return members;
    }

    // ---- the log ----------------------------------------------------------------------------------------------

    private async Task LogAsync(IndexChange[] changes)
    {
        var entry = new MemberLogEntry(_lsn + 1, changes);
        var payload = _codec.Encode(entry, compress: false);
        if (!_version.Exists)
        {
            // A shard's first write: its directory, with this entry as its log (counted in, as a snapshot's log is).
            var first = MemberDirectory.From(_directory.ToSnapshot(_lsn, []));
            foreach (var change in changes) first.Count(change);
            await WriteDirectoryAsync(JournalWrite.Snapshot(EncodeDirectory(first, entry.Lsn, [entry])));
        }
        else
        {
            if (!HasRoom(payload.Length)) await CheckpointAsync([]);
            await WriteDirectoryAsync(JournalWrite.Append(payload));
        }

        _log.Add(entry);
        _logBytes += payload.Length;
        _lsn = entry.Lsn;
        foreach (var change in changes)
        {
            var pageId = _directory.Pages[_directory.IndexOf(change.CustomerId)].PageId;
            _directory.Count(change);
            _cache.Peek(pageId)?.Apply(entry.Lsn, [change]);
            if (change.Kind == IndexChangeKind.Added) _filters.GetValueOrDefault(pageId)?.Add(change.CustomerId);
        }
    }

    // The log stays within a journal's bounds for entries, whether they are entries or carried in a snapshot.
    private bool HasRoom(int bytes) =>
        _log.Count < JournalVersion.MaxEntries && _logBytes + bytes <= JournalVersion.MaxEntryBytes && _version.CanAppend(bytes);

    private static IEnumerable<IndexChange[]> Chunks(List<IndexChange> changes)
    {
        var (start, bytes) = (0, 0);
        for (var i = 0; i < changes.Count; i++)
        {
            var size = PageBounds.SizeOf(changes[i].CustomerId);
            if (i > start && bytes + size > MaxChunkBytes)
            {
                yield return changes[start..i].ToArray();
                (start, bytes) = (i, 0);
            }

            bytes += size;
        }

        if (changes.Count > start) yield return changes[start..].ToArray();
    }

    /// <summary>Each logged change's page, by position in the directory; the last change of each id.</summary>
    private (HashSet<int> Pages, Dictionary<string, IndexChange> Last) Logged()
    {
        var (pages, last) = (new HashSet<int>(), new Dictionary<string, IndexChange>(StringComparer.Ordinal));
        foreach (var change in _log.SelectMany(entry => entry.Changes))
        {
            pages.Add(_directory.IndexOf(change.CustomerId));
            last[change.CustomerId] = change;
        }

        return (pages, last);
    }

    // ---- pages --------------------------------------------------------------------------------------------------

    /// <summary>The page at <paramref name="position"/> with every logged change in its range: from the cache, or read (once, however many calls ask).</summary>
    private async Task<MemberPage> PageAsync(int position)
    {
        var pageId = _directory.Pages[position].PageId;
        if (_cache.TryGet(pageId, out var cached)) return cached;
        if (_loading.TryGetValue(pageId, out var loading)) return await loading;
        var load = LoadAsync(position);
        _loading[pageId] = load;
        try
        {
            var page = await load;
            _cache.Add(pageId, page);
            return page;
        }
        finally
        {
            _loading.Remove(pageId);
        }
    }

    private async Task<MemberPage> LoadAsync(int position)
    {
        var pageId = _directory.Pages[position].PageId;
        var key = _keys.Page(pageId);
        var read = await _storage.ReadAsync(key);
        var page = read.Snapshot is null ? MemberPage.Empty() : MemberPage.From(_codec.Decode<MemberPageSnapshot>(read.Snapshot, key));
        foreach (var payload in read.Entries)
        {
            var entry = _codec.Decode<MemberLogEntry>(payload, key);
            page.Apply(entry.Lsn, entry.Changes);
        }

        _stored[pageId] = new StoredPage(read.Version, page.Lsn);
        foreach (var entry in _log)
        {
            if (entry.Lsn > page.Lsn) page.Apply(entry.Lsn, entry.Changes, id => _directory.IndexOf(id) == position);
        }

        _filters[pageId] = FilterOf(page);
        return page;
    }

    /// <summary>
    /// The write that brings the page at <paramref name="position"/> up to the log: an entry of the logged changes it
    /// does not hold yet, or a snapshot (when asked, or when its journal is full); null when it holds them all.
    /// </summary>
    private async Task<PageWrite?> BringUpToDateAsync(int position, bool snapshot)
    {
        var pageId = _directory.Pages[position].PageId;
        if (!snapshot)
        {
            if (!_stored.TryGetValue(pageId, out var stored))
            {
                await PageAsync(position);
                stored = _stored[pageId];
            }

            IndexChange[] missing = [.. _log.Where(entry => entry.Lsn > stored.Lsn).SelectMany(entry => entry.Changes)
                .Where(change => _directory.IndexOf(change.CustomerId) == position)];
            if (missing.Length == 0) return null;
            var entry = _codec.Encode(new MemberLogEntry(_lsn, missing), compress: false);
            if (stored.Version.CanAppend(entry.Length)) return new PageWrite(pageId, stored.Version, JournalWrite.Append(entry));
        }

        var page = await PageAsync(position);
        return new PageWrite(pageId, _stored[pageId].Version, JournalWrite.Snapshot(EncodePage(page)));
    }

    private MemberFilter FilterOf(MemberPage page)
    {
        var filter = new MemberFilter(_bounds.Members);
        foreach (var id in page.Ids) filter.Add(id);
        return filter;
    }

    private byte[] EncodePage(MemberPage page) => _codec.Encode(page.ToSnapshot(_lsn), compress: true);

    private byte[] BlankPage() => _codec.Encode(MemberPage.Empty().ToSnapshot(_lsn), compress: false);

    // ---- checkpoints --------------------------------------------------------------------------------------------

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

    // ---- the directory --------------------------------------------------------------------------------------------

    private byte[] EncodeDirectory(MemberDirectory directory, long lsn, IReadOnlyList<MemberLogEntry> log) =>
        _codec.Encode(directory.ToSnapshot(lsn, log), compress: true);

    private async Task WriteDirectoryAsync(JournalWrite write)
    {
        try
        {
            _version = await _storage.WriteAsync(_keys.Directory, _version, write);
        }
        catch
        {
            Broken = true;
            throw;
        }
    }

    private async Task ReadAsync()
    {
        var read = await _storage.ReadAsync(_keys.Directory);
        if (read.Snapshot is null)
        {
            await MoveLegacyAsync();
            return;
        }

        var snapshot = _codec.Decode<MemberDirectorySnapshot>(read.Snapshot, _keys.Directory);
        (_directory, _version, _lsn) = (MemberDirectory.From(snapshot), read.Version, snapshot.Lsn);
        foreach (var entry in snapshot.Log)
        {
            // Carried entries are counted in the snapshot's pages already.
            _log.Add(entry);
            _logBytes += _codec.Encode(entry, compress: false).Length;
        }

        foreach (var payload in read.Entries)
        {
            var entry = _codec.Decode<MemberLogEntry>(payload, _keys.Directory);
            _log.Add(entry);
            _logBytes += payload.Length;
            _lsn = entry.Lsn;
            foreach (var change in entry.Changes) _directory.Count(change);
        }

        await CleanUpAsync();
    }

    /// <summary>
    /// Blanks the rows that may hold ids the directory does not use: replaced rows a checkpoint did not get to blank,
    /// rows a failed checkpoint wrote new pages to (the free rows in the order a checkpoint takes them, up to the first
    /// one still as recorded, then rows from the next page id on, up to the first that does not exist), and the row
    /// of the earlier format. Each is read first and listed as replaced (so that a clean-up that fails part-way is
    /// done again), then a snapshot of the directory keeps an activation that read it earlier from committing a page it
    /// wrote there, and only then is each blanked, expecting the version read.
    /// </summary>
    private async Task CleanUpAsync()
    {
        var retired = new List<SparePage>();
        var free = new List<SparePage>();
        foreach (var spare in _directory.Retired) Sort(spare.PageId, await _storage.ReadAsync(_keys.Page(spare.PageId)));
        var untouched = false;
        foreach (var spare in _directory.Free)
        {
            var read = untouched ? null : await _storage.ReadAsync(_keys.Page(spare.PageId));
            // The rows after the first untouched one were not taken either: a checkpoint takes them in order.
            untouched |= read is null || read.Version == spare.Version.ToJournal();
            if (untouched) free.Add(spare);
            else Sort(spare.PageId, read!);
        }

        for (; !untouched; _directory.NextPageId++)
        {
            var read = await _storage.ReadAsync(_keys.Page(_directory.NextPageId));
            if (!read.Version.Exists) break;
            Sort(_directory.NextPageId, read);
        }

        _directory.Retired.Clear();
        _directory.Retired.AddRange(retired);
        _directory.Free.Clear();
        _directory.Free.AddRange(free);

        var legacy = _directory.Legacy is null ? null : await _storage.ReadAsync(_keys.Legacy);
        if (legacy is not null && (!legacy.Version.Exists || IsBlankLegacy(legacy))) _directory.Legacy = null;
        else if (legacy is not null) _directory.Legacy = StoredVersion.Of(legacy.Version);
        if (retired.Count == 0 && _directory.Legacy is null) return;

        await WriteDirectoryAsync(JournalWrite.Snapshot(EncodeDirectory(_directory, _lsn, _log)));
        _logBytes = _log.Sum(entry => _codec.Encode(entry, compress: false).Length);
        await BlankRetiredAsync();
        if (_directory.Legacy is { } left) await BlankLegacyAsync(left.ToJournal());

        void Sort(int pageId, JournalRead read)
        {
            if (!read.Version.Exists) return;
            if (IsBlankPage(read)) free.Add(new SparePage(pageId, StoredVersion.Of(read.Version)));
            else retired.Add(new SparePage(pageId, StoredVersion.Of(read.Version)));
        }
    }

    private async Task BlankLegacyAsync(JournalVersion version)
    {
        try
        {
            await _storage.WriteAsync(_keys.Legacy, version, JournalWrite.Snapshot(LegacyShard.Blank(_codec)));
        }
        catch
        {
            Broken = true;
            throw;
        }

        _directory.Legacy = null;
    }

    /// <summary>
    /// A shard with no directory: new, or stored in the format before pages, whose members move into new pages (rows
    /// a failed move wrote are written over), committed by the directory's first snapshot; then the old row is blanked.
    /// </summary>
    private async Task MoveLegacyAsync()
    {
        var legacy = await _storage.ReadAsync(_keys.Legacy);
        if (!legacy.Version.Exists || IsBlankLegacy(legacy)) return;

        var pages = MemberPage.Of(LegacyShard.Read(legacy, _codec, _keys.Legacy)).Split(_bounds);
        var layout = new List<PageRef>();
        for (var pageId = 0; pageId < pages.Count; pageId++)
        {
            var existing = await _storage.ReadAsync(_keys.Page(pageId));
            var version = await WritePageAsync(pageId, existing.Version, JournalWrite.Snapshot(EncodePage(pages[pageId])));
            _stored[pageId] = new StoredPage(version, 0);
            var page = PageRefOf(pages[pageId]);
            page.PageId = pageId;
            layout.Add(page);
        }

        layout[0].LowKey = "";
        _directory = MemberDirectory.New(layout, pages.Count, [], [], StoredVersion.Of(legacy.Version));
        await WriteDirectoryAsync(JournalWrite.Snapshot(EncodeDirectory(_directory, 0, [])));
        // Rows a failed move wrote past these pages are found from the next page id on, like a failed checkpoint's.
        await CleanUpAsync();
    }

    private bool IsBlankPage(JournalRead read) =>
        read.Snapshot is not null && read.Entries.Count == 0 && _codec.Decode<MemberPageSnapshot>(read.Snapshot, "page").Ids.Length == 0;

    private bool IsBlankLegacy(JournalRead read) =>
        read.Snapshot is not null && read.Entries.Count == 0 && _codec.Decode<SegmentMembersSnapshot>(read.Snapshot, _keys.Legacy).Ids.Length == 0;

    private sealed class CheckpointPlan
    {
        /// <summary>The directory's pages after the checkpoint, in id order; a new page (id not given yet) with its members.</summary>
        public List<(PageRef Page, MemberPage? Fresh)> Layout { get; } = [];

        public List<PageWrite> Writes { get; } = [];

        public List<int> Retired { get; } = [];
    }

    private sealed record PageWrite(int PageId, JournalVersion Expected, JournalWrite Write);
}

/// <summary>What storage holds of a page: its journal's version and the LSN of the last change in it.</summary>
internal readonly record struct StoredPage(JournalVersion Version, long Lsn);
