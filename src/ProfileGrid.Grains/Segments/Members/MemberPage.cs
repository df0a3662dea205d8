namespace ProfileGrid.Segments.Members;

/// <summary>
/// The members of one page in id order (ordinal), with the LSN of the last change applied: a page starts by binary
/// search, and an insert moves the ids after it (microseconds at a few thousand members).
/// </summary>
internal sealed class MemberPage
{
    private readonly SortedList<string, MemberRecord> _members;

    private MemberPage(SortedList<string, MemberRecord> members, long lsn, int bytes) => (_members, Lsn, Bytes) = (members, lsn, bytes);

    public static MemberPage Empty(long lsn = 0) => new(new SortedList<string, MemberRecord>(StringComparer.Ordinal), lsn, 0);

    /// <summary>The LSN of the last change this page holds.</summary>
    public long Lsn { get; private set; }

    public int Count => _members.Count;

    /// <summary>Estimated stored bytes (<see cref="PageBounds.SizeOf"/>).</summary>
    public int Bytes { get; private set; }

    /// <summary>The smallest id, or null when the page is empty.</summary>
    public string? First => _members.Count == 0 ? null : _members.Keys[0];

    /// <summary>The members' ids in order.</summary>
    public IList<string> Ids => _members.Keys;

    public bool TryGet(string customerId, out MemberRecord member) => _members.TryGetValue(customerId, out member);

    /// <summary>Applies the changes of the entry at <paramref name="lsn"/> that fall in this page (<paramref name="inPage"/>).</summary>
    public void Apply(long lsn, IEnumerable<IndexChange> changes, Func<string, bool>? inPage = null)
    {
        foreach (var change in changes)
        {
            if (inPage is null || inPage(change.CustomerId)) Apply(change);
        }

        Lsn = Math.Max(Lsn, lsn);
    }

    private void Apply(IndexChange change)
    {
        var had = _members.ContainsKey(change.CustomerId);
        if (ChangeResolver.After(change) is { } member)
        {
            _members[change.CustomerId] = member;
            if (!had) Bytes += PageBounds.SizeOf(change.CustomerId);
        }
        else if (had)
        {
            _members.Remove(change.CustomerId);
            Bytes -= PageBounds.SizeOf(change.CustomerId);
        }
    }

    /// <summary>Adds the members with an id after <paramref name="after"/> (all when null) to <paramref name="page"/>, up to <paramref name="limit"/> in all.</summary>
    public void AddAfter(string? after, int limit, List<SegmentMember> page)
    {
        var (ids, members) = (_members.Keys, _members.Values);
        for (var i = after is null ? 0 : FirstAfter(ids, after); i < ids.Count && page.Count < limit; i++)
        {
            page.Add(new SegmentMember(ids[i], new DateTimeOffset(members[i].SinceTicks, TimeSpan.Zero), members[i].Sequence));
        }
    }

    /// <summary>The index of the first id ordinally after <paramref name="after"/>.</summary>
    private static int FirstAfter(IList<string> ids, string after)
    {
        int low = 0, high = ids.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (string.CompareOrdinal(ids[mid], after) <= 0) low = mid + 1;
            else high = mid;
        }

        return low;
    }

    /// <summary>
    /// This page cut into pages of even size in id order, as few as leave each at most three quarters of the bounds (two
    /// halves for a page just past them): what a page past its bounds is replaced by.
    /// </summary>
    public List<MemberPage> Split(PageBounds bounds)
    {
        var count = Math.Max(2, Math.Max(PiecesOf(Count, bounds.Members), PiecesOf(Bytes, bounds.Bytes)));
        var pieces = new List<MemberPage>(count);
        var piece = Empty(Lsn);
        var placed = 0L;
        foreach (var (id, member) in _members)
        {
            // A new piece starts once the bytes placed reach the next even share.
            if (piece.Count > 0 && pieces.Count + 1 < count && placed * count >= (long)Bytes * (pieces.Count + 1))
            {
                pieces.Add(piece);
                piece = Empty(Lsn);
            }

            var size = PageBounds.SizeOf(id);
            piece._members.Add(id, member);
            piece.Bytes += size;
            placed += size;
        }

        pieces.Add(piece);
        return pieces;

        static int PiecesOf(int size, int bound) => (int)Math.Ceiling(size / (bound * 0.75));
    }

    /// <summary>This page and <paramref name="next"/> (whose ids all follow this page's) as one page.</summary>
    public MemberPage Merge(MemberPage next)
    {
        var merged = new SortedList<string, MemberRecord>(_members.Count + next.Count, StringComparer.Ordinal);
        foreach (var (id, member) in _members) merged.Add(id, member);
        foreach (var (id, member) in next._members) merged.Add(id, member);
        return new MemberPage(merged, Math.Max(Lsn, next.Lsn), Bytes + next.Bytes);
    }

    public MemberPageSnapshot ToSnapshot(long lsn)
    {
        var (ids, since, sequence) = (new string[Count], new long[Count], new long[Count]);
        var i = 0;
        foreach (var (id, member) in _members) (ids[i], since[i], sequence[i++]) = (id, member.SinceTicks, member.Sequence);
        return new MemberPageSnapshot(ids, since, sequence, lsn);
    }

    /// <summary>A page of these members.</summary>
    public static MemberPage Of(SortedList<string, MemberRecord> members) =>
        new(members, 0, members.Keys.Sum(PageBounds.SizeOf));

    public static MemberPage From(MemberPageSnapshot snapshot)
    {
        var members = new SortedList<string, MemberRecord>(snapshot.Ids.Length, StringComparer.Ordinal);
        var bytes = 0;
        for (var i = 0; i < snapshot.Ids.Length; i++)
        {
            // Stored in id order: each add goes at the end, without moving anything.
            members.Add(snapshot.Ids[i], new MemberRecord(snapshot.Since[i], snapshot.Sequence[i]));
            bytes += PageBounds.SizeOf(snapshot.Ids[i]);
        }

        return new MemberPage(members, snapshot.Lsn, bytes);
    }
}
