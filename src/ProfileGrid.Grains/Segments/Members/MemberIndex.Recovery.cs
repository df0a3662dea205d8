using ProfileGrid.Storage;

namespace ProfileGrid.Segments.Members;

/// <summary>The directory: written, read when a shard is activated, rows a failed write left blanked, a shard of the format before pages moved.</summary>
internal sealed partial class MemberIndex
{
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
}
