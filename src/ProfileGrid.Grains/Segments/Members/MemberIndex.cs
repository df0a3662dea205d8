using ProfileGrid.Customers;
using ProfileGrid.Settings;
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
internal sealed partial class MemberIndex
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
        CheckedOptions.Check(options);
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
}

/// <summary>What storage holds of a page: its journal's version and the LSN of the last change in it.</summary>
internal readonly record struct StoredPage(JournalVersion Version, long Lsn);
