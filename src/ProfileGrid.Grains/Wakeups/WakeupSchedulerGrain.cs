using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using ProfileGrid.Customers;
using ProfileGrid.Storage;

namespace ProfileGrid.Wakeups;

/// <summary>
/// Wakes the customers that are due. Every <see cref="WakeupOptions.TickPeriod"/> it reads the buckets of the minutes
/// from its cursor to now (all of them when that is a minute or two; when it is more, those it finds by listing the
/// rows stored for those minutes, one listing per hour or per whole day: a bucket's row exists while it holds anyone),
/// wakes the customers due (<see cref="ICustomerGrain.Wake"/>) and removes them from their buckets; the cursor, stored
/// in the wake-up journal storage, moves past each minute that ended at least <see cref="WakeupBuckets.Grace"/> ago
/// and whose buckets are empty. A minute without customers costs nothing when catching up, so days of downtime take a
/// few ticks. A tick wakes at most <see cref="WakeupOptions.MaxWakesPerTick"/> customers and passes at most
/// <see cref="WakeupOptions.MaxMinutesPerTick"/> minutes, so that catching up after a pause goes at a bounded pace. A
/// wake that fails is put back a minute later. The ticks are a grain timer that keeps the grain active; every silo's
/// <see cref="WakeupTicker"/> starts it again after the grain moved.
/// </summary>
public sealed partial class WakeupSchedulerGrain(
    [FromKeyedServices(StorageNames.Wakeups)] IJournalStorage storage,
    Serializer serializer,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    IOptions<WakeupOptions> options,
    ILogger<WakeupSchedulerGrain> logger) : Grain, IWakeupSchedulerGrain
{
    /// <summary>The scheduler's own journal in the wake-up storage (bucket keys start with a date, so never collide with it).</summary>
    public const string StateKey = "scheduler";

    private static readonly List<int> AllShards = [.. Enumerable.Range(0, WakeupBuckets.Shards)];

    /// <summary>How long after a failed wake the customer is tried again.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(1);

    private readonly CustomerCodec _codec = new(serializer);
    private readonly WakeupOptions _options = options.Value;
    private WakeupSchedulerState _state = new(0, 0, 0);
    private WakeupSchedulerState _stored = new(0, 0, 0);
    private JournalVersion _version = JournalVersion.None;
    private IGrainTimer? _timer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var read = await storage.ReadAsync(StateKey);
        _version = read.Version;
        if (read.Snapshot is not null)
        {
            _stored = _state = _codec.Decode<WakeupSchedulerState>(read.Snapshot, StateKey);
            return;
        }

        // The first start looks a minute back, for customers that registered while the silos were starting, and
        // stores that place at once: an activation that ended before its cursor first moved (and was written) left the
        // next one to start from its own now, past every minute registered meanwhile (found by the simulation).
        _state = new WakeupSchedulerState(WakeupBuckets.MinuteOf(clock.GetUtcNow()) - 1, 0, 0);
        _version = await storage.WriteAsync(StateKey, _version, JournalWrite.Snapshot(_codec.Encode(_state, compress: false)));
        _stored = _state;
    }

    public Task Tick()
    {
        _timer ??= this.RegisterGrainTimer(RunAsync, new GrainTimerCreationOptions(TimeSpan.Zero, _options.TickPeriod) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task<WakeupStatus> Status() => Task.FromResult(new WakeupStatus(WakeupBuckets.StartOf(_state.Cursor), _state.Woken, _state.Failed));

    /// <summary>One tick: the minutes from the cursor to now, within the tick's budget; then the cursor, if it moved.</summary>
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (first, last) = (_state.Cursor, Math.Min(WakeupBuckets.MinuteOf(now), _state.Cursor + _options.MaxMinutesPerTick - 1));
        var budget = _options.MaxWakesPerTick;
        var finished = true;
        try
        {
            // Keeping up (a minute or two from the cursor to now), it asks every bucket of those minutes: they stay
            // active, so a tick costs no storage. Catching up, it lists the stored rows, so empty minutes cost nothing.
            var occupied = last - first + 1 < _options.ListFromMinutes ? null : await OccupiedAsync(first, last, cancellationToken);
            for (var minute = first; minute <= last && budget > 0 && !cancellationToken.IsCancellationRequested; minute++)
            {
                var shards = occupied is null ? AllShards : occupied.GetValueOrDefault(minute);
                var (woken, putBack, held) = shards is null ? (0, 0, 0) : await RunMinuteAsync(minute, shards, now, budget);
                budget -= woken + putBack;
                _state = _state with { Woken = _state.Woken + woken, Failed = _state.Failed + putBack };
                // The cursor passes only minutes that are over, with every earlier one, and hold no one.
                finished &= held == 0 && now >= WakeupBuckets.StartOf(minute + 1) + WakeupBuckets.Grace;
                if (finished) _state = _state with { Cursor = minute + 1 };
            }

            if (_state != _stored)
            {
                _version = await storage.WriteAsync(StateKey, _version, JournalWrite.Snapshot(_codec.Encode(_state, compress: false)));
                _stored = _state;
            }
        }
        catch (Exception exception)
        {
            // Whatever was woken is woken again next time (a wake is safe to repeat); a new activation reads the cursor as stored.
            LogTickFailed(logger, exception, WakeupBuckets.StartOf(_state.Cursor));
            _state = _stored;
            DeactivateOnIdle();
        }
    }

    public async Task Forget(string customerId, DateTimeOffset through)
    {
        // Minutes before the cursor hold no one; from it on, the customer's bucket of each minute while they are a few
        // (the scheduler keeping up), else those of its shard that a listing finds stored.
        var (first, last, shard) = (_state.Cursor, WakeupBuckets.MinuteOf(through), WakeupBuckets.ShardOf(customerId));
        if (last < first) return;
        var minutes = last - first + 1 <= ForgetAskingUpToMinutes
            ? [.. Enumerable.Range(0, (int)(last - first + 1)).Select(offset => first + offset)]
            : (await OccupiedAsync(first, last, CancellationToken.None)).Where(pair => pair.Value.Contains(shard)).Select(pair => pair.Key).ToList();
        await Task.WhenAll(minutes.Select(minute => GrainFactory.Bucket(minute, shard).Unregister(customerId)));
    }

    /// <summary>The shards of each minute from <paramref name="first"/> to <paramref name="last"/> whose buckets are stored.</summary>
    /// <remarks>
    /// A registration stores its bucket's row before it is acknowledged, and a minute takes registrations until
    /// <see cref="WakeupBuckets.Grace"/> before it ends, so the listing of a tick at least that long after a minute's
    /// end, the only one that may finish the minute, finds every bucket the minute will ever hold.
    /// </remarks>
    private async Task<Dictionary<long, List<int>>> OccupiedAsync(long first, long last, CancellationToken cancellationToken)
    {
        var occupied = new Dictionary<long, List<int>>();
        for (var from = first - Mod(first, MinutesPerHour); from <= last;)
        {
            // A whole day passed at once is one listing; otherwise an hour, so that a tick lists at most its hour's buckets.
            var wholeDay = Mod(from, MinutesPerDay) == 0 && from + MinutesPerDay - 1 <= last;
            var prefix = wholeDay ? WakeupBuckets.DayPrefix(from) : WakeupBuckets.HourPrefix(from);
            from += wholeDay ? MinutesPerDay : MinutesPerHour;
            string? continuation = null;
            do
            {
                var page = await storage.ListKeysStartingWithAsync(prefix, continuation, JournalKeyPage.MaxSize, cancellationToken);
                foreach (var key in page.Keys)
                {
                    if (!WakeupBuckets.TryParse(key, out var minute, out var shard) || minute < first || minute > last) continue;
                    if (!occupied.TryGetValue(minute, out var shards)) occupied[minute] = shards = [];
                    shards.Add(shard);
                }

                continuation = page.Continuation;
            }
            while (continuation is not null);
        }

        return occupied;
    }

    /// <summary>Up to this many minutes to forget a customer in, its bucket of each is asked (cheaper than a listing of every partition).</summary>
    private const int ForgetAskingUpToMinutes = 10;

    private const long MinutesPerHour = 60;

    private const long MinutesPerDay = 24 * MinutesPerHour;

    private static long Mod(long value, long divisor) => ((value % divisor) + divisor) % divisor;

    /// <summary>Wakes the customers due by <paramref name="now"/> in the minute's <paramref name="shards"/>, at most <paramref name="budget"/>; returns how many were woken, put back, and are left in its buckets.</summary>
    private async Task<(int Woken, int PutBack, int Held)> RunMinuteAsync(long minute, IReadOnlyList<int> shards, DateTimeOffset now, int budget)
    {
        var buckets = shards.Select(shard => GrainFactory.Bucket(minute, shard)).ToArray();
        var batches = await Task.WhenAll(buckets.Select(bucket => bucket.Due(now, budget)));
        var taken = new List<(int Shard, WakeupEntry Entry)>();
        for (var shard = 0; shard < buckets.Length; shard++)
        {
            foreach (var entry in batches[shard].Due.Take(budget - taken.Count)) taken.Add((shard, entry));
        }

        if (taken.Count == 0) return (0, 0, batches.Sum(batch => batch.Held));
        using var slots = new SemaphoreSlim(_options.ConcurrentWakes);
        var outcomes = await Task.WhenAll(taken.Select(async item =>
        {
            await slots.WaitAsync();
            try
            {
                return await WakeAsync(item.Entry, now);
            }
            finally
            {
                slots.Release();
            }
        }));

        // Each bucket forgets the customers woken or put back, and says how many it still holds.
        var done = taken.Zip(outcomes).Where(pair => pair.Second != Outcome.Kept).Select(pair => pair.First).ToLookup(item => item.Shard, item => item.Entry);
        var held = await Task.WhenAll(Enumerable.Range(0, buckets.Length).Select(shard =>
            done.Contains(shard) ? buckets[shard].Done([.. done[shard]]) : Task.FromResult(batches[shard].Held)));
        return (outcomes.Count(outcome => outcome == Outcome.Woken), outcomes.Count(outcome => outcome == Outcome.PutBack), held.Sum());
    }

    /// <summary>Wakes one customer; a wake that fails is registered again a minute later (kept here if that fails too).</summary>
    private async Task<Outcome> WakeAsync(WakeupEntry entry, DateTimeOffset now)
    {
        try
        {
            await GrainFactory.GetGrain<ICustomerGrain>(entry.CustomerId).Wake();
            return Outcome.Woken;
        }
        catch (Exception exception)
        {
            LogWakeFailed(logger, exception, entry.CustomerId, RetryDelay);
        }

        try
        {
            var retry = now + RetryDelay;
            await GrainFactory.BucketFor(entry.CustomerId, retry).Register(entry.CustomerId, retry);
            return Outcome.PutBack;
        }
        catch (Exception exception)
        {
            LogPutBackFailed(logger, exception, entry.CustomerId);
            return Outcome.Kept;
        }
    }

    private enum Outcome { Woken, PutBack, Kept }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A wake-up tick failed at {Cursor}; the scheduler reads its place again and goes on at the next tick")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, DateTimeOffset cursor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waking customer {CustomerId} failed; trying again in {Delay}")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception, string customerId, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Putting customer {CustomerId} back in the wake-up schedule failed; it stays due")]
    private static partial void LogPutBackFailed(ILogger logger, Exception exception, string customerId);
}

/// <summary>The scheduler's durable place: the first minute not finished, and customers woken and put back so far.</summary>
[GenerateSerializer, Immutable, Alias("pg.WakeupSchedulerState")]
public sealed record WakeupSchedulerState([property: Id(0)] long Cursor, [property: Id(1)] long Woken, [property: Id(2)] long Failed);
