using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using ProfileGrid.Customers;
using ProfileGrid.Storage;

namespace ProfileGrid.Wakeups;

/// <summary>
/// One minute and shard of the wake-up schedule, stored as a journal (<see cref="StorageNames.Wakeups"/>): a
/// registration appends its customer and instant; anything that forgets a customer (the scheduler done with it, an
/// erasure) rewrites the row as a snapshot, so that no earlier entry keeps the id, and removes the row once nothing
/// is left. Memory holds exactly what storage holds: a change whose write fails is undone.
/// </summary>
/// <remarks>
/// A bucket takes registrations until <see cref="WakeupBuckets.Grace"/> before its minute ends, and the scheduler
/// finishes a minute by listing its stored rows no earlier than that long after it ended. A registration whose write
/// took until the minute ended may have been listed too late; it is taken back out and passed on to the next open
/// minute (the simulation found this: its clock jumps while a customer registers in the background).
/// </remarks>
public sealed partial class WakeupBucketGrain(
    [FromKeyedServices(StorageNames.Wakeups)] IJournalStorage storage,
    Serializer serializer,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    ILogger<WakeupBucketGrain> logger) : Grain, IWakeupBucketGrain
{
    /// <summary>
    /// Bytes of ids and instants a bucket holds at most (3,744 customers with 128-character ids, some 10,900 with 36); a full bucket
    /// passes registrations on to the next minute, so that its snapshot stays inside a journal's bounds.
    /// </summary>
    public const int MaxBytes = 512 * 1024;

    private const int BytesPerEntry = 12;

    private readonly CustomerCodec _codec = new(serializer);
    private readonly Dictionary<string, long> _due = new(StringComparer.Ordinal);
    private JournalVersion _version = JournalVersion.None;
    private long _minute;
    private int _shard;
    private int _bytes;

    private DateTimeOffset End => WakeupBuckets.StartOf(_minute + 1);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        (_minute, _shard) = WakeupBuckets.Parse(key);
        var read = await storage.ReadAsync(key);
        if (read.Snapshot is not null) _codec.Decode<WakeupBucketSnapshot>(read.Snapshot, key).LoadInto(_due);
        foreach (var entry in read.Entries)
        {
            var registered = _codec.Decode<WakeupBucketEntry>(entry, key);
            _due[registered.CustomerId] = registered.DueTicks;
        }

        _version = read.Version;
        _bytes = _due.Keys.Sum(Bytes);
    }

    public async Task<DateTimeOffset> Register(string customerId, DateTimeOffset due)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(due, End.AddTicks(-1));
        var now = clock.GetUtcNow();
        var full = !_due.ContainsKey(customerId) && _bytes + Bytes(customerId) > MaxBytes;
        if (now >= End - WakeupBuckets.Grace || full)
        {
            // The scheduler may be finishing this minute (or it has no room): the customer is due by the next one's start.
            if (full) LogFull(logger, this.GetPrimaryKeyString(), customerId);
            return await PassOn(customerId, now);
        }

        var at = Math.Max(due.UtcTicks, WakeupBuckets.StartOf(_minute).UtcTicks);
        // An earlier registration still to come serves for this one too. One due already is being taken (the customer
        // registers as it is woken): the scheduler removes it when done, so this one replaces it rather than go with it.
        if (_due.TryGetValue(customerId, out var held) && held <= at && held > now.UtcTicks) return new DateTimeOffset(held, TimeSpan.Zero);
        _due[customerId] = at;
        if (held == 0) _bytes += Bytes(customerId);
        try
        {
            await WriteAsync(new WakeupBucketEntry(customerId, at));
        }
        catch
        {
            if (held == 0)
            {
                _due.Remove(customerId);
                _bytes -= Bytes(customerId);
            }
            else
            {
                _due[customerId] = held;
            }

            throw;
        }

        if (clock.GetUtcNow() >= End)
        {
            // The write took until the minute was over: the scheduler, which lists the stored rows, may have finished
            // the minute before this one was stored. The customer goes on to the next open minute instead.
            await Forget([customerId], static (_, _) => true);
            return await PassOn(customerId, clock.GetUtcNow());
        }

        return new DateTimeOffset(at, TimeSpan.Zero);
    }

    /// <summary>Registers the customer in the first minute after this one that still takes registrations, due at its start.</summary>
    private Task<DateTimeOffset> PassOn(string customerId, DateTimeOffset now)
    {
        var later = Math.Max(_minute + 1, WakeupBuckets.MinuteOf(now + WakeupBuckets.Grace));
        return GrainFactory.Bucket(later, _shard).Register(customerId, WakeupBuckets.StartOf(later));
    }

    public Task Unregister(string customerId) => Forget([customerId], static (_, _) => true);

    public Task<WakeupBatch> Due(DateTimeOffset now, int limit)
    {
        var due = _due.Where(entry => entry.Value <= now.UtcTicks)
            .OrderBy(entry => entry.Value).ThenBy(entry => entry.Key, StringComparer.Ordinal)
            .Take(limit)
            .Select(entry => new WakeupEntry(entry.Key, new DateTimeOffset(entry.Value, TimeSpan.Zero)))
            .ToArray();
        if (_due.Count == 0 && now >= End + WakeupBuckets.Grace) DeactivateOnIdle();
        return Task.FromResult(new WakeupBatch(due, _due.Count));
    }

    public async Task<int> Done(WakeupEntry[] woken)
    {
        // One registered again since (earlier, or after a failed wake) stays.
        var at = woken.ToDictionary(entry => entry.CustomerId, entry => entry.Due.UtcTicks, StringComparer.Ordinal);
        await Forget(at.Keys, (customerId, held) => held == at[customerId]);
        return _due.Count;
    }

    /// <summary>Removes the customers that <paramref name="remove"/> names and rewrites the row without them (or removes it).</summary>
    private async Task Forget(IEnumerable<string> customerIds, Func<string, long, bool> remove)
    {
        var removed = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var customerId in customerIds)
        {
            if (!_due.TryGetValue(customerId, out var held) || !remove(customerId, held)) continue;
            removed[customerId] = held;
            _due.Remove(customerId);
            _bytes -= Bytes(customerId);
        }

        if (removed.Count == 0) return;
        try
        {
            await WriteAsync(added: null);
        }
        catch
        {
            foreach (var (customerId, held) in removed)
            {
                _due[customerId] = held;
                _bytes += Bytes(customerId);
            }

            throw;
        }
    }

    /// <summary>Appends <paramref name="added"/> while the journal has room; otherwise, and whenever a customer was forgotten, a snapshot; removes the row once empty.</summary>
    private async Task WriteAsync(WakeupBucketEntry? added)
    {
        var key = this.GetPrimaryKeyString();
        var entry = added is null ? null : _codec.Encode(added, compress: false);
        var write = _due.Count == 0 ? JournalWrite.Delete()
            : entry is not null && _version.CanAppend(entry.Length) ? JournalWrite.Append(entry)
            : JournalWrite.Snapshot(_codec.Encode(WakeupBucketSnapshot.Of(_due), compress: true));
        _version = await storage.WriteAsync(key, _version, write);
    }

    private static int Bytes(string customerId) => customerId.Length + BytesPerEntry;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Wake-up bucket {Bucket} is full; customer {CustomerId} is woken at the next minute")]
    private static partial void LogFull(ILogger logger, string bucket, string customerId);
}

/// <summary>One registration as a bucket's journal appends it: the customer and the instant it is due (UTC ticks).</summary>
[GenerateSerializer, Immutable, Alias("pg.WakeupBucketEntry")]
public sealed record WakeupBucketEntry([property: Id(0)] string CustomerId, [property: Id(1)] long DueTicks);

/// <summary>A bucket's customers as columns: ids and the instants they are due (UTC ticks).</summary>
[GenerateSerializer, Immutable, Alias("pg.WakeupBucketSnapshot")]
public sealed record WakeupBucketSnapshot([property: Id(0)] string[] Ids, [property: Id(1)] long[] DueTicks)
{
    internal static WakeupBucketSnapshot Of(Dictionary<string, long> due) => new([.. due.Keys], [.. due.Values]);

    internal void LoadInto(Dictionary<string, long> due)
    {
        for (var i = 0; i < Ids.Length; i++) due[Ids[i]] = DueTicks[i];
    }
}
