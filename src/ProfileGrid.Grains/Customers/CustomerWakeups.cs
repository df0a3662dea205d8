using Microsoft.Extensions.Logging;
using ProfileGrid.Segments;
using ProfileGrid.Wakeups;

namespace ProfileGrid.Customers;

/// <summary>
/// One customer's place in the wake-up schedule. After each write, each back-fill visit and each wake-up, the customer
/// finds the earliest instant at which time alone can change whether it is in one of the segments
/// (<see cref="RuleTiming.NextChange"/>) and registers it in that minute's bucket when it is earlier than the instant
/// registered already (a later one is found when that one wakes the customer). Its state names the bucket before the
/// bucket holds the customer (<see cref="CustomerState.IntendedWakeupTicks"/>, stored first), and records it once it
/// does (<see cref="CustomerState.WakeupTicks"/>, with the next write), so that it registers nothing twice and an
/// erasure finds every bucket that may hold it. A customer whose answers time cannot change registers nothing.
/// Registration follows writes in the background, tried <see cref="MaxAttempts"/> times and then again every
/// <see cref="RetryDelay"/> while the activation lives; on a wake-up it is awaited, so that a failure puts the wake-up
/// back. The grain creates it for a customer with something to register (<see cref="Needed"/>), so that other
/// activations keep none. Single-threaded like the grain that owns it.
/// </summary>
internal sealed partial class CustomerWakeups(
    string customerId,
    IGrainBase owner,
    IGrainFactory grains,
    TimeProvider clock,
    ValueOptions value,
    Func<CustomerState> state,
    Func<CustomerChange, Task> store,
    Action<CustomerChange> defer,
    ILogger logger)
{
    private const int MaxAttempts = 4;
    private static readonly TimeSpan AttemptDelay = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(1);

    private Task _reviewing = Task.CompletedTask;
    private bool _queued;
    private bool _leaving;
    private IReadOnlyList<Segment> _segments = [];
    private DateTimeOffset? _evaluatedAt;
    private IGrainTimer? _retry;
    private DateTimeOffset? _announceAgainAt;
    private DateTimeOffset? _eraseAgainAt;
    // Every bucket this activation registered the customer in: one whose record in the state failed, or raced with an
    // erasure, is left too when the customer leaves the schedule.
    private readonly HashSet<DateTimeOffset> _registeredIn = [];

    /// <summary>
    /// The earliest instant after <paramref name="now"/> at which time alone can change whether the customer is in one
    /// of <paramref name="segments"/>; null when none can (or the customer is not there: erased, merged away, unknown).
    /// </summary>
    public static DateTimeOffset? NextChange(string customerId, CustomerState customer, IReadOnlyList<Segment> segments, ValueOptions value, DateTimeOffset now)
    {
        if (!customer.Exists) return null;
        DateTimeOffset? next = null;
        CustomerTimeline? timeline = null;
        ProfileRuleInput? evaluated = null;
        foreach (var segment in segments)
        {
            if (!segment.MovesWithTime) continue;
            timeline ??= CustomerTimeline.Of(customer, value, now);
            // Comparisons time does not move (traits, totals) are evaluated on the profile as rules read it, once.
            var change = RuleTiming.NextChange(segment.Rule, timeline, comparison =>
                RuleEvaluator.Evaluate(comparison, evaluated ??= new ProfileRuleInput(customer.ToProfile(customerId, now, value, withActivity: false))).Matches);
            if (change < next || next is null) next = change;
        }

        return next;
    }

    /// <summary>
    /// What the schedule needs of the customer now: the instant to register (the first change after its answers were
    /// evaluated at <paramref name="evaluatedAt"/>, unless the one registered comes no later),
    /// <see cref="DateTimeOffset.MinValue"/> to drop the registration of a profile merged away, or null.
    /// </summary>
    /// <remarks>
    /// From the evaluation, not from <paramref name="now"/>: a change that came while the registration was on its way
    /// (the clock passed it after the write) is registered as it is, in the past, so the customer is woken at once to
    /// take it, where a change counted from now would pass it over and leave the answer stale until the next write.
    /// </remarks>
    public static DateTimeOffset? Needed(string customerId, CustomerState customer, IReadOnlyList<Segment> segments, ValueOptions value, DateTimeOffset evaluatedAt, DateTimeOffset now)
    {
        if (customer.MergedInto is not null) return InSchedule(customer) ? DateTimeOffset.MinValue : null;
        if (NextChange(customerId, customer, segments, value, evaluatedAt < now ? evaluatedAt : now) is not { } next) return null;
        return Registered(customer, now) is { } registered && registered <= next ? null : next;
    }

    /// <summary>
    /// Announcements of the customer's segments failed: it is woken at <paramref name="at"/> (or at its next change, if
    /// sooner) to send them again from its state, whatever its segments' rules say about time.
    /// </summary>
    public void AnnounceAgainAt(DateTimeOffset at, IReadOnlyList<Segment> segments)
    {
        _announceAgainAt = at;
        Review(segments);
    }

    /// <summary>
    /// An erasure stopped part-way (storage failed after its tombstone): the customer is woken at <paramref name="at"/>
    /// to finish it, whoever asked for it and through which id (a retry through a merged profile already deleted
    /// reaches a new, empty profile, not this one).
    /// </summary>
    public void EraseAgainAt(DateTimeOffset at)
    {
        _eraseAgainAt = at;
        Review(_segments);
    }

    /// <summary>Registers the next wake-up in the background, after any registration still on its way.</summary>
    /// <param name="segments">The segments the customer's answers are of.</param>
    /// <param name="evaluatedAt">When the answers were evaluated, if they were just now (a write, a visit, a wake-up).</param>
    public void Review(IReadOnlyList<Segment> segments, DateTimeOffset? evaluatedAt = null)
    {
        _segments = segments;
        if (evaluatedAt is { } at) _evaluatedAt = at;
        // Most customers have nothing to register: no task for them, and one queued review serves every write meanwhile.
        if (_queued || (_reviewing.IsCompleted && Needed() is null)) return;
        _queued = true;
        _reviewing = InBackgroundAsync(_reviewing);
    }

    /// <summary>Completes when no registration is on its way (it never throws: a failed one is tried again later).</summary>
    public Task Settled() => _reviewing;

    /// <summary>
    /// Registers the next wake-up now (after any still on its way); throws if it could not. It goes in the same line
    /// as the background registrations (<see cref="Settled"/>), so that an erasure waits for it too: the grain is
    /// reentrant, and a wake's registration that ran beside an erasure stored a bucket after the erasure had left
    /// every bucket (found by <c>simulate.sh --histories 5000</c> on Azurite).
    /// </summary>
    public async Task ReviewAsync(IReadOnlyList<Segment> segments)
    {
        _segments = segments;
        var registering = AfterAsync(_reviewing);
        _reviewing = Quietly(registering);
        await registering;
    }

    private async Task AfterAsync(Task previous)
    {
        await previous;
        await RegisterAsync();
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception)
        {
            // Its caller hears of the failure; the line of registrations goes on.
        }
    }

    /// <summary>
    /// Takes the customer out of the schedule (erasure, or a merged profile purged): the buckets its state names are
    /// rewritten without it, and so is every bucket of its shard the scheduler has yet to take up to a little after now
    /// (registrations whose instant passed wait there, and the state names only the latest); the state records that it
    /// is in none, and from then on this activation registers nothing. The state must be read (known) first. Throws if
    /// a bucket could not be rewritten, so that a repeated erasure finishes it.
    /// </summary>
    public async Task UnregisterAsync()
    {
        _leaving = true;
        await _reviewing;
        var customer = state();
        // Through the scheduler's retries too (a wake that failed is put back a minute later).
        await grains.GetGrain<IWakeupSchedulerGrain>(IWakeupSchedulerGrain.Key).Forget(customerId, clock.GetUtcNow() + 2 * RetryDelay);
        if (!InSchedule(customer) && _registeredIn.Count == 0) return;
        await UnregisterEverywhereAsync(customer);
        _registeredIn.Clear();
        // Only a state that names a bucket is written (a merged profile purged meanwhile has no row to write to).
        if (InSchedule(customer)) await store(new WakeupChange(0, clock.GetUtcNow()));
    }

    /// <summary>What the schedule needs now (<see cref="Needed(string, CustomerState, IReadOnlyList{Segment}, ValueOptions, DateTimeOffset)"/>); nothing once the customer is leaving (erasure).</summary>
    private DateTimeOffset? Needed()
    {
        if (_leaving) return null;
        var (customer, now) = (state(), clock.GetUtcNow());
        if (customer.ErasureOpen)
        {
            // Nothing but finishing the erasure: an erased customer is in no segment.
            return _eraseAgainAt is { } retry && !(Registered(customer, now) is { } held && held <= retry) ? retry : null;
        }

        var needed = Needed(customerId, customer, _segments, value, _evaluatedAt ?? now, now);
        // Unconfirmed announcements are sent again when the customer is woken.
        if (_announceAgainAt is not { } again || customer.Unannounced is null || !customer.Exists) return needed;
        if (Registered(customer, now) is { } registered && registered <= again) return needed;
        return needed is { } next && next != DateTimeOffset.MinValue && next < again ? next : again;
    }

    /// <summary>Whether the customer's state names a bucket.</summary>
    private static bool InSchedule(CustomerState customer) =>
        customer.WakeupTicks != 0 || customer.PassedWakeupTicks != 0 || customer.IntendedWakeupTicks != 0;

    private static long MinuteOf(long ticks) => WakeupBuckets.MinuteOf(new DateTimeOffset(ticks, TimeSpan.Zero));

    /// <summary>The instant the customer is registered at, unless it has passed (the scheduler has used it, or is using it).</summary>
    private static DateTimeOffset? Registered(CustomerState customer, DateTimeOffset now) =>
        customer.WakeupTicks > now.UtcTicks ? new DateTimeOffset(customer.WakeupTicks, TimeSpan.Zero) : null;

    private async Task RegisterAsync()
    {
        if (Needed() is not { } due) return;
        var customer = state();
        var registered = Registered(customer, clock.GetUtcNow());
        if (due == DateTimeOffset.MinValue)
        {
            // Merged into another customer, which registers its own: this id leaves the schedule.
            await UnregisterEverywhereAsync(customer);
            await store(new WakeupChange(0, clock.GetUtcNow()));
            return;
        }

        // The intent goes first: the stored state names the bucket before the bucket holds the customer, so that an
        // erasure finds it whatever happens after (the activation ends, the store that records it fails, the silo
        // dies). A registration recorded the other way round left the customer's id in a bucket a year ahead when its
        // record failed (found by the simulation on Azurite, with a 365d rule). An earlier intent that the state stops
        // naming leaves its bucket first: it was never recorded, or it is a registration this one replaces.
        if (!Names(customer, due))
        {
            if (customer.IntendedWakeupTicks is var intended and not 0 && !Names(customer, new DateTimeOffset(intended, TimeSpan.Zero), intent: false))
            {
                await grains.BucketFor(customerId, new DateTimeOffset(intended, TimeSpan.Zero)).Unregister(customerId);
            }

            await store(new WakeupChange(customer.WakeupTicks, clock.GetUtcNow(), customer.PassedWakeupTicks, due.UtcTicks));
            customer = state();
        }

        var at = await grains.BucketFor(customerId, due).Register(customerId, due);
        _registeredIn.Add(at);
        if (_leaving)
        {
            // The customer left the schedule (erasure) while this registration was on its way: it takes it back.
            await grains.BucketFor(customerId, at).Unregister(customerId);
            _registeredIn.Remove(at);
            return;
        }

        customer = state();
        // A registration whose instant passed is taken by the scheduler, which may lag behind: it is remembered until
        // the next one is, so that erasure still finds its bucket.
        var passed = registered is null && customer.WakeupTicks != 0 && customer.WakeupTicks != at.UtcTicks ? customer.WakeupTicks : customer.PassedWakeupTicks;
        // The later registration goes, so that the state names the only bucket that holds the customer.
        if (registered is { } later && WakeupBuckets.MinuteOf(later) != WakeupBuckets.MinuteOf(at))
        {
            await grains.BucketFor(customerId, later).Unregister(customerId);
        }

        // An older passed registration that the state stops naming leaves its bucket: the scheduler may lag behind by
        // more than one, and erasure must find every bucket that holds the customer (found by the simulation on Azurite).
        if (customer.PassedWakeupTicks is var older && older != 0 && older != passed
            && MinuteOf(older) != MinuteOf(passed) && MinuteOf(older) != WakeupBuckets.MinuteOf(at))
        {
            await grains.BucketFor(customerId, new DateTimeOffset(older, TimeSpan.Zero)).Unregister(customerId);
        }

        customer = state();
        var recorded = new WakeupChange(at.UtcTicks, clock.GetUtcNow(), passed);
        // A bucket that passed the customer on to a later minute may name the instant already recorded: nothing to store.
        if (at.UtcTicks == customer.WakeupTicks && customer.IntendedWakeupTicks == 0) return;
        if (Names(customer, at))
        {
            // The stored intent names the bucket: the record that replaces it goes with the next write (lost with the
            // activation, the intent still names the bucket for an erasure).
            defer(recorded);
            return;
        }

        // The bucket passed the customer on to a minute no intent names (full, or its minute closing): recorded now.
        try
        {
            await store(recorded);
        }
        catch (Exception)
        {
            // The stored state does not name the bucket: it must not hold the customer (erasure would not find it there).
            // The next try registers again.
            try
            {
                await grains.BucketFor(customerId, at).Unregister(customerId);
                _registeredIn.Remove(at);
            }
            catch (Exception exception)
            {
                LogOrphaned(logger, exception, customerId, at);
            }

            throw;
        }
    }

    /// <summary>Whether the customer's state names the minute of <paramref name="at"/> (registered, passed, or intended).</summary>
    private static bool Names(CustomerState customer, DateTimeOffset at, bool intent = true)
    {
        var minute = WakeupBuckets.MinuteOf(at);
        return (customer.WakeupTicks != 0 && MinuteOf(customer.WakeupTicks) == minute)
            || (customer.PassedWakeupTicks != 0 && MinuteOf(customer.PassedWakeupTicks) == minute)
            || (intent && customer.IntendedWakeupTicks != 0 && MinuteOf(customer.IntendedWakeupTicks) == minute);
    }

    /// <summary>Takes the customer out of every bucket its state names (registered, passed, intended) and this activation registered it in.</summary>
    private async Task UnregisterEverywhereAsync(CustomerState customer)
    {
        var buckets = new[] { customer.WakeupTicks, customer.PassedWakeupTicks, customer.IntendedWakeupTicks }.Where(ticks => ticks != 0)
            .Select(ticks => new DateTimeOffset(ticks, TimeSpan.Zero)).Concat(_registeredIn)
            .Select(WakeupBuckets.MinuteOf).Distinct().ToList();
        foreach (var minute in buckets)
        {
            await grains.BucketFor(customerId, WakeupBuckets.StartOf(minute)).Unregister(customerId);
        }
    }

    private async Task InBackgroundAsync(Task previous)
    {
        await previous;
        _queued = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RegisterAsync();
                return;
            }
            catch (Exception) when (attempt < MaxAttempts)
            {
                await Task.Delay(AttemptDelay * attempt);
            }
            catch (Exception exception)
            {
                LogRegisterFailed(logger, exception, customerId, MaxAttempts, RetryDelay);
                // Tried again later, the activation kept alive meanwhile: an idle customer has nothing else to register it.
                _retry ??= owner.RegisterGrainTimer(RetryAsync, new GrainTimerCreationOptions(RetryDelay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
                return;
            }
        }
    }

    private Task RetryAsync(CancellationToken cancellationToken)
    {
        _retry?.Dispose();
        _retry = null;
        Review(_segments);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Customer {CustomerId} is in the wake-up bucket of {Due} without its state naming it: storing the registration and taking it back both failed; the scheduler forgets it when it wakes the customer then")]
    private static partial void LogOrphaned(ILogger logger, Exception exception, string customerId, DateTimeOffset due);

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Registering customer {CustomerId} in the wake-up schedule failed {Attempts} times; trying again in {Delay}")]
    private static partial void LogRegisterFailed(ILogger logger, Exception exception, string customerId, int attempts, TimeSpan delay);
}
