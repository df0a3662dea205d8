using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Utilities;
using ProfileGrid.Customers;
using ProfileGrid.Storage;

namespace ProfileGrid.Segments;

/// <summary>
/// One shard of a segment's members, stored as a journal (<see cref="StorageNames.SegmentMembers"/>): a write appends
/// the changes of one call, and a snapshot of the sorted member list replaces them every
/// <see cref="JournalVersion.MaxEntries"/> writes, so a change costs about its own size whatever the member count.
/// Members are kept in a sorted list: an insert moves the ids after it (microseconds at the ~15,600 of a
/// million-member segment's shard), and a page starts by binary search.
/// Members that time alone may move out are asked again when due (<see cref="SegmentOptions.RecheckInterval"/>);
/// the shard stays active while it has such members. Customers are the truth: their stored state says which segments
/// they are in, and they announce it again on back-fills, so a change this shard failed to store is repaired there.
/// </summary>
public sealed partial class SegmentMembersGrain : Grain, ISegmentMembersGrain
{
    private readonly IJournalStorage _storage;
    private readonly CustomerCodec _codec;
    private readonly TimeProvider _clock;
    private readonly SegmentOptions _options;
    private readonly ILogger<SegmentMembersGrain> _logger;
    private readonly ObserverManager<ISegmentObserver> _observers;
    private readonly SortedList<string, SegmentMemberRecord> _members = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, long> _rechecks = new();
    private JournalVersion _version = JournalVersion.None;
    private IGrainTimer? _recheckTimer;

    public SegmentMembersGrain(
        [FromKeyedServices(StorageNames.SegmentMembers)] IJournalStorage storage,
        Serializer serializer,
        [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
        IOptions<SegmentOptions> options,
        ILogger<SegmentMembersGrain> logger)
    {
        (_storage, _codec, _clock, _options, _logger) = (storage, new CustomerCodec(serializer), clock, options.Value, logger);
        _observers = new ObserverManager<ISegmentObserver>(TimeSpan.FromMinutes(1), logger);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var read = await _storage.ReadAsync(this.GetPrimaryKeyString());
        if (read.Snapshot is not null) _codec.Decode<SegmentMembersSnapshot>(read.Snapshot, this.GetPrimaryKeyString()).LoadInto(_members);
        foreach (var entry in read.Entries)
        {
            foreach (var change in _codec.Decode<SegmentMembersEntry>(entry, this.GetPrimaryKeyString()).Changes) Apply(change);
        }

        _version = read.Version;
        foreach (var (id, member) in _members) Schedule(id, member.RecheckTicks);
    }

    public async Task Update(MembershipChange[] changes)
    {
        var stored = new StoredChange[changes.Length];
        var erases = false;
        for (var i = 0; i < changes.Length; i++)
        {
            var change = changes[i];
            stored[i] = new StoredChange(change.CustomerId, change.Entered, change.At.UtcTicks, change.RecheckAt?.UtcTicks ?? 0);
            erases |= change.Erased;
        }

        // What each change did to membership, and how to put memory back if the write fails.
        var before = new Dictionary<string, SegmentMemberRecord?>(StringComparer.Ordinal);
        var news = new List<MembershipChange>();
        for (var i = 0; i < stored.Length; i++)
        {
            var id = stored[i].CustomerId;
            var wasMember = _members.TryGetValue(id, out var member);
            before.TryAdd(id, wasMember ? member : null);
            if (stored[i].Entered != wasMember) news.Add(changes[i]);
            Apply(stored[i]);
        }

        try
        {
            await WriteAsync(stored, snapshot: erases);
        }
        catch
        {
            // Memory holds exactly what storage holds: put back what this call changed.
            foreach (var (id, member) in before)
            {
                if (member is { } kept) _members[id] = kept;
                else _members.Remove(id);
            }

            // The journal may have moved on (another activation): the next call starts from what is stored.
            DeactivateOnIdle();
            throw;
        }

        foreach (var change in stored)
        {
            if (change.Entered) Schedule(change.CustomerId, change.RecheckTicks);
        }

        // Entering again (a recheck that found the customer still in) is not news to agents.
        foreach (var change in news) _observers.Notify(observer => observer.SegmentChanged(change).Ignore());
    }

    /// <remarks>The page starts by binary search: paging through a large shard costs each page its own length.</remarks>
    public Task<SegmentMember[]> Members(string? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var (ids, members) = (_members.Keys, _members.Values);
        var start = after is null ? 0 : FirstAfter(ids, after);
        var page = new SegmentMember[Math.Clamp(ids.Count - start, 0, limit)];
        for (var i = 0; i < page.Length; i++) page[i] = new SegmentMember(ids[start + i], new DateTimeOffset(members[start + i].SinceTicks, TimeSpan.Zero));
        return Task.FromResult(page);
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

    public Task<int> Count() => Task.FromResult(_members.Count);

    public Task Subscribe(ISegmentObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(ISegmentObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private void Apply(StoredChange change)
    {
        if (!change.Entered)
        {
            _members.Remove(change.CustomerId);
            return;
        }

        var since = _members.TryGetValue(change.CustomerId, out var member) ? member.SinceTicks : change.AtTicks;
        _members[change.CustomerId] = new SegmentMemberRecord(since, change.RecheckTicks);
    }

    private async Task WriteAsync(StoredChange[] changes, bool snapshot)
    {
        var key = this.GetPrimaryKeyString();
        JournalWrite write;
        var entry = snapshot ? null : _codec.Encode(new SegmentMembersEntry(changes), compress: false);
        if (entry is not null && _version.CanAppend(entry.Length)) write = JournalWrite.Append(entry);
        else write = JournalWrite.Snapshot(_codec.Encode(SegmentMembersSnapshot.Of(_members), compress: true));
        _version = await _storage.WriteAsync(key, _version, write);
    }

    private void Schedule(string customerId, long recheckTicks)
    {
        if (recheckTicks == 0) return;
        _rechecks.Enqueue(customerId, recheckTicks);
        _recheckTimer ??= this.RegisterGrainTimer(RecheckAsync, new GrainTimerCreationOptions(_options.RecheckInterval, _options.RecheckInterval) { KeepAlive = true });
    }

    /// <summary>Asks the members that are due whether they are still in; each answers with an <see cref="Update"/>.</summary>
    private Task RecheckAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow().UtcTicks;
        var asked = 0;
        while (asked < _options.MaxRechecksPerTick && _rechecks.TryPeek(out var customerId, out var due) && due <= now)
        {
            _rechecks.Dequeue();
            // Entries left behind by a later update or a leave are skipped.
            if (!_members.TryGetValue(customerId, out var member) || member.RecheckTicks != due) continue;
            asked++;
            // Asked again later unless the answer refreshes it first; not awaited, since the answer calls this shard.
            var retry = now + _options.RecheckRetry.Ticks;
            _members[customerId] = member with { RecheckTicks = retry };
            _rechecks.Enqueue(customerId, retry);
            var customer = GrainFactory.GetGrain<ICustomerGrain>(customerId);
            _ = customer.ReevaluateSegments(backfill: null).ContinueWith(
                failed => LogRecheckFailed(_logger, failed.Exception, customerId, this.GetPrimaryKeyString()),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        if (_rechecks.Count == 0)
        {
            _recheckTimer?.Dispose();
            _recheckTimer = null;
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asking customer {CustomerId} again for segment shard {Shard} failed; asked again later")]
    private static partial void LogRecheckFailed(ILogger logger, Exception? exception, string customerId, string shard);
}

/// <summary>A member as a shard keeps it: since when, and when to ask it again (UTC ticks; 0 for never).</summary>
internal readonly record struct SegmentMemberRecord(long SinceTicks, long RecheckTicks);

/// <summary>One change as a shard stores it: without the reasons, which only the push carries.</summary>
[GenerateSerializer, Immutable, Alias("pg.SegmentStoredChange")]
public readonly record struct StoredChange(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] bool Entered,
    [property: Id(2)] long AtTicks,
    [property: Id(3)] long RecheckTicks);

[GenerateSerializer, Alias("pg.SegmentMembersEntry")]
public sealed record SegmentMembersEntry([property: Id(0)] StoredChange[] Changes);

/// <summary>A shard's members as columns, in id order: ids, since and recheck times (UTC ticks; 0 for none).</summary>
[GenerateSerializer, Alias("pg.SegmentMembersSnapshot")]
public sealed record SegmentMembersSnapshot(
    [property: Id(0)] string[] Ids,
    [property: Id(1)] long[] Since,
    [property: Id(2)] long[] Recheck)
{
    internal static SegmentMembersSnapshot Of(SortedList<string, SegmentMemberRecord> members)
    {
        var (ids, since, recheck) = (new string[members.Count], new long[members.Count], new long[members.Count]);
        var i = 0;
        foreach (var (id, member) in members) (ids[i], since[i], recheck[i++]) = (id, member.SinceTicks, member.RecheckTicks);
        return new SegmentMembersSnapshot(ids, since, recheck);
    }

    internal void LoadInto(SortedList<string, SegmentMemberRecord> members)
    {
        for (var i = 0; i < Ids.Length; i++) members[Ids[i]] = new SegmentMemberRecord(Since[i], Recheck[i]);
    }
}
