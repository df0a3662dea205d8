using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using ProfileGrid.Customers;
using ProfileGrid.Storage;

namespace ProfileGrid.Segments;

/// <summary>
/// Runs every back-fill and reconciliation as one sweep over the stored customers (<see cref="SegmentSweep"/> keeps
/// the books): a page at a time, each customer of a page asked once to evaluate its segments and to announce its
/// membership of the segments the page serves, at most <see cref="SegmentSweepOptions.MaxConcurrency"/> at once,
/// resting after each page so that it works a <see cref="SegmentSweepOptions.DutyCycle"/> share of the time. A
/// reconciliation, once round its customers, checks its segment's members against their customers, a page of a
/// shard per step.
/// </summary>
/// <remarks>
/// A job waits <see cref="SegmentSweepOptions.JoinDelay"/> before its first customer: by then every silo's catalog holds its definition, so
/// a customer is either written after that (and evaluated by its write) or stored before (and listed here). Progress
/// is stored at most every <see cref="CheckpointInterval"/> and whenever a job finishes; an activation that finds
/// work unfinished resumes it (each silo wakes the sweep every <see cref="SegmentSweepOptions.ResumeInterval"/>, so
/// work does not wait for a caller after a silo's end), visiting again at most the pages since the last checkpoint.
/// The grain is reentrant: defining a segment or asking for status never waits for a page (nor could it: a page's
/// customers read the definitions from the registry, which waits for the sweep while it defines a segment). Its
/// state is changed only between awaits, and its writes are queued one after the other.
/// </remarks>
[Reentrant]
public sealed partial class SegmentSweepGrain(
    [PersistentState("sweep", SegmentRegistryGrain.StorageName)] IPersistentState<SegmentSweepState> state,
    [FromKeyedServices(StorageNames.Customers)] IJournalStorage customers,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    IOptions<SegmentSweepOptions> options,
    ILogger<SegmentSweepGrain> logger) : Grain, ISegmentSweepGrain
{
    public static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    // When each job not yet joined may join (Stopwatch timestamps): in memory, as it is about this process's wait.
    private readonly Dictionary<SweepJob, long> _joinAfter = [];
    private SegmentSweep _sweep = null!;
    private IGrainTimer? _timer;
    private bool _stepping;
    private long _due;
    private long _checkpointed;
    private int _failures;
    private Task _writing = Task.CompletedTask;

    private SegmentSweepOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _sweep = new SegmentSweep(state.State);
        _checkpointed = Stopwatch.GetTimestamp();
        // This process's catalog may be as new as the activation: jobs not joined yet wait again.
        foreach (var job in _sweep.Running.Where(job => job.JoinedLap is null)) _joinAfter[job] = _checkpointed + Ticks(Options.JoinDelay);
        var unfinished = _sweep.Running.Count();
        if (unfinished > 0)
        {
            LogResumed(logger, unfinished);
            Wake(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Progress since the last checkpoint is kept when the activation ends in order (a silo's shutdown, collection).
        if (!_sweep.HasWork) return;
        try
        {
            await Persist();
        }
        catch (Exception exception)
        {
            LogCheckpointFailed(logger, exception);
        }
    }

    public async Task<BackfillStatus> Backfill(SegmentDefinition definition)
    {
        var (job, started) = _sweep.Backfill(definition, clock.GetUtcNow());
        if (started) await Start(job);
        return job.ToBackfillStatus();
    }

    public async Task<ReconcileStatus> Reconcile(string segment)
    {
        if (!SegmentNames.IsValid(segment)) throw new ArgumentException($"A segment name is {SegmentNames.Rule}.", nameof(segment));
        // Its visits evaluate the segment as defined now, or later (null: not defined, any definition a customer holds).
        var definitions = await GrainFactory.GetGrain<ISegmentRegistryGrain>(ISegmentRegistryGrain.Key).List();
        var definedAt = Array.Find(definitions, definition => string.Equals(definition.Name, segment, StringComparison.Ordinal))?.DefinedAt;
        var (job, started) = _sweep.Reconcile(segment, definedAt, clock.GetUtcNow());
        if (started) await Start(job);
        return job.ToReconcileStatus();
    }

    public Task<SegmentSweepStatus> Status(string segment) => Task.FromResult(new SegmentSweepStatus(
        _sweep.Find(segment, SweepKind.Backfill)?.ToBackfillStatus() ?? BackfillStatus.None,
        _sweep.Find(segment, SweepKind.Reconcile)?.ToReconcileStatus() ?? ReconcileStatus.None));

    public Task WakeUp() => Task.CompletedTask;

    /// <summary>
    /// Stores a new job and schedules its first page. Should the write fail, the caller hears it, and the job runs all
    /// the same from memory, stored with the next checkpoint.
    /// </summary>
    private async Task Start(SweepJob job)
    {
        // A job replaced by this one (a redefinition) waits for nothing any more.
        foreach (var replaced in _joinAfter.Keys.Where(other => !_sweep.State.Jobs.Contains(other)).ToList()) _joinAfter.Remove(replaced);
        _joinAfter[job] = Stopwatch.GetTimestamp() + Ticks(Options.JoinDelay);
        LogStarted(logger, job.Kind, job.Segment);
        Wake(Options.JoinDelay);
        await Persist();
    }

    /// <summary>One step: a page of customers if a job needs one, and a page of members if a reconciliation does.</summary>
    private async Task StepAsync(CancellationToken cancellationToken)
    {
        _stepping = true;
        var started = Stopwatch.GetTimestamp();
        TimeSpan? rest = null;
        try
        {
            var finished = new List<SweepJob>();
            var worked = await CustomersAsync(finished, cancellationToken);
            worked |= await MembersAsync(finished, cancellationToken);
            if (_failures > 0) _sweep.HeldUp(null);
            _failures = 0;
            foreach (var job in finished)
            {
                _joinAfter.Remove(job);
                LogFinished(logger, job.Kind, job.Segment, job.State, job.Visited, job.MembersRemoved);
            }

            if (finished.Count > 0 || Stopwatch.GetElapsedTime(_checkpointed) >= CheckpointInterval) await Persist();
            if (worked) rest = Options.RestAfter(Stopwatch.GetElapsedTime(started));
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Storage or a shard did not answer: nothing of the page is recorded, and it is tried again, later each time.
            _failures++;
            _sweep.HeldUp($"held up, trying again: {exception.Message}");
            rest = TimeSpan.FromSeconds(Math.Min(MaxRetryDelay.TotalSeconds, Math.Pow(2, _failures - 1)));
            LogStepFailed(logger, exception, _failures, rest.Value);
        }
        finally
        {
            _stepping = false;
        }

        Schedule(rest);
    }

    private async Task<bool> CustomersAsync(List<SweepJob> finished, CancellationToken cancellationToken)
    {
        if (_sweep.Seek(Options.PageSize) is { } seek)
        {
            // After the state was read: the place of the last customer visited is found again first.
            _sweep.Sought(await customers.ListKeysAsync(seek.Continuation, seek.PageSize, cancellationToken));
            return true;
        }

        if (_sweep.NextPage(MayJoin) is not { } page) return false;
        var listed = await customers.ListKeysAsync(page.Continuation, Options.PageSize, cancellationToken);
        var keys = _sweep.Unvisited(listed.Keys);
        var visits = SegmentSweep.Visits(page, keys);
        var failures = await ForEachAsync(visits, visit => visit.CustomerId,
            visit => Customer(visit.CustomerId).ReevaluateSegments(visit.Segments));
        finished.AddRange(_sweep.Advance(page, keys, listed.Continuation, failures, clock.GetUtcNow()));
        return true;
    }

    /// <summary>
    /// A page of a reconciliation's members: those whose customer's stored state says they are not in the segment are
    /// taken out; should one of them have entered meanwhile (its announcement may reach the shard before the removal),
    /// it is asked to announce again.
    /// </summary>
    private async Task<bool> MembersAsync(List<SweepJob> finished, CancellationToken cancellationToken)
    {
        if (_sweep.NextMemberCheck() is not { } job) return false;
        var (segment, shardIndex, after) = (job.Segment, job.MemberShard, job.MemberAfter);
        var shard = GrainFactory.For(segment, shardIndex);
        var members = await shard.Members(after, Options.PageSize);
        var strays = new List<string>();
        var failures = await ForEachAsync(members, member => member.CustomerId, async member =>
        {
            if (!await InSegment(member.CustomerId, segment)) strays.Add(member.CustomerId);
        });
        if (strays.Count > 0)
        {
            var now = clock.GetUtcNow();
            await shard.Update([.. strays.Select(id => new MembershipChange(segment, id, Entered: false, [], now))]);
            await ForEachAsync(strays, id => id, async id =>
            {
                if (await InSegment(id, segment)) await Customer(id).ReevaluateSegments([job.Version]);
            });
        }

        cancellationToken.ThrowIfCancellationRequested();
        var next = members.Length < Options.PageSize ? null : members[^1].CustomerId;
        if (_sweep.MembersChecked(job, shardIndex, after, new MemberCheck(members.Length, strays.Count, failures), next, clock.GetUtcNow())) finished.Add(job);
        return true;
    }

    private async Task<bool> InSegment(string customerId, string segment) =>
        Array.IndexOf(await Customer(customerId).StoredSegments(), segment) >= 0;

    /// <summary>
    /// Runs <paramref name="visit"/> for each item, at most <see cref="SegmentSweepOptions.MaxConcurrency"/> at once, each
    /// tried twice; returns those that failed both times (key → why). The grain is single-threaded, so the workers share
    /// their index without a lock.
    /// </summary>
    private async Task<Dictionary<string, string>> ForEachAsync<T>(IReadOnlyList<T> items, Func<T, string> key, Func<T, Task> visit)
    {
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        var next = 0;
        async Task Worker()
        {
            while (next < items.Count)
            {
                var item = items[next++];
                try
                {
                    await visit(item);
                }
                catch (Exception)
                {
                    try
                    {
                        await visit(item);
                    }
                    catch (Exception exception)
                    {
                        // The type only: a message may name the customer, and the job's status is stored.
                        failures[key(item)] = exception.GetType().Name;
                        LogUnevaluated(logger, exception, key(item));
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(Options.MaxConcurrency, items.Count)).Select(_ => Worker()));
        return failures;
    }

    private bool MayJoin(SweepJob job) => !_joinAfter.TryGetValue(job, out var after) || Stopwatch.GetTimestamp() >= after;

    /// <summary>After a step: the next one after <paramref name="rest"/>, or when the first waiting job may join; none when all is done.</summary>
    private void Schedule(TimeSpan? rest)
    {
        if (!_sweep.HasWork)
        {
            _timer?.Dispose();
            _timer = null;
            return;
        }

        var now = Stopwatch.GetTimestamp();
        var waits = _sweep.Running.Where(job => job.JoinedLap is null && _joinAfter.ContainsKey(job)).Select(job => _joinAfter[job] - now).ToList();
        // Nothing worked and no job waits to join cannot happen; should it, the sweep looks again in a second rather than at once.
        var untilJoin = waits.Count == 0 ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Max(0, waits.Min()) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
        Arm(rest ?? untilJoin);
    }

    /// <summary>Brings the next step forward to at most <paramref name="after"/> from now (a step in progress schedules its own next).</summary>
    private void Wake(TimeSpan after)
    {
        if (_stepping) return;
        if (_timer is not null && _due <= Stopwatch.GetTimestamp() + Ticks(after)) return;
        Arm(after);
    }

    private void Arm(TimeSpan after)
    {
        _due = Stopwatch.GetTimestamp() + Ticks(after);
        if (_timer is null)
            _timer = this.RegisterGrainTimer(StepAsync, new GrainTimerCreationOptions(after, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        else
            _timer.Change(after, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stores the state as it is now, after any write still in flight (calls and steps interleave).</summary>
    private Task Persist()
    {
        _checkpointed = Stopwatch.GetTimestamp();
        return _writing = WriteAfter(_writing);
    }

    private async Task WriteAfter(Task previous)
    {
        try
        {
            await previous;
        }
        catch (Exception)
        {
            // Its caller saw it; this write carries the same state and more.
        }

        await state.WriteStateAsync();
    }

    private ICustomerGrain Customer(string id) => GrainFactory.GetGrain<ICustomerGrain>(id);

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Segment sweep: {Kind} of segment {Segment} started")]
    private static partial void LogStarted(ILogger logger, SweepKind kind, string segment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Segment sweep resumed with {Jobs} jobs unfinished")]
    private static partial void LogResumed(ILogger logger, int jobs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Segment sweep: {Kind} of segment {Segment} {State}: {Visited} customers visited, {Removed} members taken out")]
    private static partial void LogFinished(ILogger logger, SweepKind kind, string segment, BackfillState state, long visited, long removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Segment sweep: storing its progress at deactivation failed; it resumes from its last checkpoint")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Segment sweep: a step failed ({Failures} in a row); trying again in {Delay}")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Segment sweep: {Id} could not be evaluated, twice; the job counts it and goes on")]
    private static partial void LogUnevaluated(ILogger logger, Exception exception, string id);
}
