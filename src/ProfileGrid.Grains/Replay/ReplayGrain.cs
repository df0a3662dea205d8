using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using ProfileGrid.Archive;
using ProfileGrid.Customers;
using ProfileGrid.Segments;
using ProfileGrid.Storage;
using ProfileGrid.Storage.Archive;

namespace ProfileGrid.Replay;

/// <summary>
/// Runs the replays, one after the other: a replay goes through the journal partitions in order and, for each, takes
/// its customers (those it names, or every customer with an archive key there) <see cref="ReplayOptions.CustomersPerPass"/>
/// at a time, reads the partition's archive once per pass (<see cref="ArchiveHistory"/>), rebuilds each customer
/// (<see cref="CustomerRebuild"/>) and hands the state to its grain (<see cref="ICustomerRestore"/>), at most
/// <see cref="ReplayOptions.MaxConcurrency"/> at once, resting after each pass so that it works a
/// <see cref="ReplayOptions.DutyCycle"/> share of the time.
/// </summary>
/// <remarks>
/// The stored state is the checkpoint: a replay's counts up to the first partition not done. An activation that finds
/// a replay unfinished resumes it at that partition (each silo wakes the grain every
/// <see cref="ReplayOptions.ResumeInterval"/>), once that partition's archiver has archived the restores the ended
/// activation stored (<see cref="IArchivePartitionGrain.CatchUp"/>), so that their customers are rebuilt again; a
/// storage failure holds the replay up and it tries again, later each time. Its times (and so its pace) are the wall clock's, not the customers' domain clock. The grain is reentrant,
/// so a status read never waits for a pass; its state changes only between awaits, and its writes are queued one
/// after the other.
/// </remarks>
[Reentrant]
public sealed partial class ReplayGrain(
    [PersistentState("replays", SegmentRegistryGrain.StorageName)] IPersistentState<ReplaysState> state,
    [FromKeyedServices(StorageNames.Customers)] IJournalOutbox partitions,
    IArchiveKeys keys,
    IArchiveStore store,
    CustomerArchiving archiving,
    SegmentCatalog catalog,
    TimeProvider clock,
    IOptions<ReplayOptions> options,
    ILogger<ReplayGrain> logger) : Grain, IReplayGrain
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    /// <summary>How long a history back-fill waits to start: every silo's catalog then holds the definition that made its types history types, so no write folds what it rebuilds.</summary>
    public static readonly TimeSpan HistoryDelay = SegmentCatalog.Freshness + TimeSpan.FromSeconds(1);

    // The running replay's progress in its current partition: counts of the passes done, and where the next starts.
    private ReplayCounts _partition = new();
    private int _pass;
    private IGrainTimer? _timer;
    private bool _stepping;
    private int _failures;
    private Task _writing = Task.CompletedTask;
    // The partition this activation resumed a replay at, until it redoes it: an ended activation may have restored customers of it.
    private int? _resumed;

    private ReplayOptions Options => options.Value;

    private ReplayJob? Current => state.State.Jobs.Find(job => !job.Finished);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Current is { } job)
        {
            if (job.State == ReplayState.Running) _resumed = job.Partition;
            LogResumed(logger, job.Id, job.Partition);
            Schedule(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public Task<ReplayStatus?> Start(string[]? customers) => Queue(customers, history: null);

    public Task<ReplayStatus?> StartHistory(string[] types)
    {
        ArgumentNullException.ThrowIfNull(types);
        if (types.Length == 0) throw new ArgumentException("A history back-fill names at least one event type.", nameof(types));
        return Queue(customers: null, history: [.. types.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
    }

    private async Task<ReplayStatus?> Queue(string[]? customers, string[]? history)
    {
        var jobs = state.State.Jobs;
        if (jobs.Count(job => !job.Finished) >= ReplaysState.MaxUnfinished) return null;
        var job = new ReplayJob
        {
            Id = Guid.NewGuid().ToString("N")[..16],
            Customers = customers,
            All = customers is null,
            Total = customers?.Length,
            RequestedAt = clock.GetUtcNow(),
            HistoryTypes = history,
            NotBefore = history is null ? null : clock.GetUtcNow() + HistoryDelay,
        };
        jobs.Add(job);
        // The oldest finished ones are forgotten.
        while (jobs.Count > ReplaysState.MaxJobs && jobs.FindIndex(other => other.Finished) is >= 0 and var oldest) jobs.RemoveAt(oldest);
        LogRequested(logger, job.Id, customers is not null ? $"{customers.Length} customers"
            : history is not null ? $"every customer, for the year of {string.Join(", ", history)}" : "every customer");
        await Persist();
        // Unless a replay is running (it takes the next one when done, after its rest).
        if (_timer is null) Schedule(TimeSpan.Zero);
        return job.ToStatus(null, clock.GetUtcNow());
    }

    public Task<ReplayStatus?> Status(string id)
    {
        var job = state.State.Jobs.Find(job => job.Id == id);
        return Task.FromResult(job?.ToStatus(job == Current ? _partition : null, clock.GetUtcNow()));
    }

    public Task WakeUp() => Task.CompletedTask;

    /// <summary>One pass of the current replay (or its start, or its end), then the next after a rest.</summary>
    private async Task StepAsync(CancellationToken cancellationToken)
    {
        _stepping = true;
        var started = Stopwatch.GetTimestamp();
        TimeSpan? next = null;
        try
        {
            if (Current is { } job)
            {
                await AdvanceAsync(job, cancellationToken);
                if (job.Error is not null)
                {
                    job.Error = null;
                    await Persist();
                }

                _failures = 0;
                next = Options.RestAfter(Stopwatch.GetElapsedTime(started));
                // A history back-fill waiting for the silos to read its definition.
                if (Current is { State: ReplayState.Queued, NotBefore: { } notBefore } && notBefore - clock.GetUtcNow() is { Ticks: > 0 } wait && wait > next) next = wait;
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Nothing of the pass is counted, and it is done again (its customers are rebuilt again, which stores the same states).
            _failures++;
            if (Current is { } job) job.Error = $"held up, trying again: {exception.GetType().Name}";
            next = TimeSpan.FromSeconds(Math.Min(MaxRetryDelay.TotalSeconds, Math.Pow(2, _failures - 1)));
            LogStepFailed(logger, exception, _failures, next.Value);
        }
        finally
        {
            _stepping = false;
        }

        if (Current is not null && next is { } rest)
        {
            Schedule(rest);
        }
        else if (Current is null)
        {
            // Nothing left: the grain may be collected (it resumes on activation should a replay be started or left unfinished).
            _timer?.Dispose();
            _timer = null;
        }
    }

    private async Task AdvanceAsync(ReplayJob job, CancellationToken cancellationToken)
    {
        if (job.State == ReplayState.Queued)
        {
            if (job.NotBefore > clock.GetUtcNow()) return;
            // A replay of every customer counts them first, for its progress (a listing of the keys, no archive read).
            job.Total ??= await CountKeysAsync(cancellationToken);
            (job.State, job.StartedAt) = (ReplayState.Running, clock.GetUtcNow());
            (_partition, _pass) = (new ReplayCounts(), 0);
            LogStarted(logger, job.Id, job.Total);
            await Persist();
            return;
        }

        var partition = job.Partition;
        if (_resumed == partition || _pass == 0)
        {
            // The partition's archiver catches up before its customers are read, or one whose latest write still waits in
            // the outbox (a write in the background just after its events: a wake-up registration, announcements) is
            // skipped as not archived yet. And customers an ended activation restored are ahead of the archive until its
            // restores are archived (their archiver may have ended with the same silo, or not have polled since):
            // archived first, they are rebuilt again, to the same state. A failure holds the replay up like any other.
            if (archiving.Enabled) await GrainFactory.GetGrain<IArchivePartitionGrain>(partition).CatchUp();
            _resumed = null;
        }

        var batch = await CustomersAsync(job, partition, _pass, cancellationToken);
        // The types history needs now (and the job's, should this silo's catalog lag): their days are rebuilt for a year.
        var history = (await catalog.HistoryAsync()).With(job.HistoryTypes ?? []);
        var pass = await ReplayAsync(partition, batch, history, cancellationToken);
        _partition = _partition.Plus(pass);
        _pass++;
        if (batch.Count == Options.CustomersPerPass) return;

        // The partition is done: its counts join the checkpoint.
        (job.Done, job.Partition, _partition, _pass) = (job.Done.Plus(_partition), partition + 1, new ReplayCounts(), 0);
        if (job.Partition >= partitions.PartitionCount)
        {
            (job.State, job.FinishedAt) = (job.Done.Failed > 0 ? ReplayState.Failed : ReplayState.Done, clock.GetUtcNow());
            job.Customers = null;
            LogFinished(logger, job.Id, job.State, job.Done.Read, job.Done.Rebuilt, job.Done.Skipped, job.Done.Failed);
        }

        await Persist();
    }

    /// <summary>The customers of pass <paramref name="pass"/> of the partition, with their keys (null: the customer has none).</summary>
    private async Task<List<(string Customer, ArchiveKey? Key)>> CustomersAsync(ReplayJob job, int partition, int pass, CancellationToken cancellationToken)
    {
        var size = Options.CustomersPerPass;
        if (job.Customers is { } named)
        {
            var mine = named.Where(customer => partitions.PartitionOf(customer) == partition).Order(StringComparer.Ordinal).Skip(pass * size).Take(size).ToList();
            var found = await Task.WhenAll(mine.Select(customer => keys.FindAsync(customer, cancellationToken)));
            return [.. mine.Select((customer, i) => (customer, found[i]))];
        }

        var listed = new List<(string, ArchiveKey?)>(Math.Min(size, 1024));
        var skip = (long)pass * size;
        await foreach (var key in keys.ListAsync(partition, partitions.PartitionCount, cancellationToken))
        {
            if (skip-- > 0) continue;
            listed.Add((key.Customer, key.Key));
            if (listed.Count == size) break;
        }

        return listed;
    }

    /// <summary>Rebuilds the customers of one pass from the partition's archive and restores those rebuilt.</summary>
    private async Task<ReplayCounts> ReplayAsync(
        int partition, List<(string Customer, ArchiveKey? Key)> batch, Counters.HistoryTypes history, CancellationToken cancellationToken)
    {
        var counts = new ReplayCounts { Read = batch.Count };
        foreach (var (_, key) in batch)
        {
            // An erased customer has no key: nothing of it opens, and nothing is rebuilt.
            if (key is null) counts.Skip("no archive key (never archived, or erased)");
        }

        var rebuilds = batch.Where(customer => customer.Key is not null)
            .Select(customer => new CustomerRebuild(customer.Customer, customer.Key!, history))
            .ToDictionary(rebuild => rebuild.Key.IdText, StringComparer.Ordinal);
        await new ArchiveHistory(store, archiving).ReadAsync(partition, rebuilds, cancellationToken);
        var rebuilt = new List<CustomerRebuild>(rebuilds.Count);
        foreach (var rebuild in rebuilds.Values)
        {
            var outcome = rebuild.Finish();
            if (outcome.Failure is { } failure)
            {
                counts.Fail(failure);
                LogNotRebuilt(logger, rebuild.Customer, failure);
            }
            else if (outcome.Skip is { } skip) counts.Skip(skip);
            else rebuilt.Add(rebuild);
        }

        var next = 0;
        async Task Worker()
        {
            while (next < rebuilt.Count)
            {
                var rebuild = rebuilt[next++];
                cancellationToken.ThrowIfCancellationRequested();
                switch (await RestoreAsync(rebuild))
                {
                    case { Outcome: RestoreOutcome.Restored }:
                        counts.Rebuilt++;
                        break;
                    case { Outcome: RestoreOutcome.Erased }:
                        counts.Skip("erased");
                        break;
                    case { Outcome: RestoreOutcome.ArchiveBehind }:
                        counts.Skip("the stored customer is further on than the archive (not archived yet)");
                        break;
                    default:
                        counts.Fail("could not be written");
                        break;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(Options.MaxConcurrency, rebuilt.Count)).Select(_ => Worker()));
        return counts;
    }

    /// <summary>Restores a rebuilt customer, tried twice; null if both failed.</summary>
    private async Task<RestoreResult?> RestoreAsync(CustomerRebuild rebuild)
    {
        var customer = GrainFactory.GetGrain<ICustomerRestore>(rebuild.Customer);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await customer.Restore(rebuild.State);
            }
            catch (Exception exception) when (attempt < 2)
            {
                LogRestoreFailed(logger, exception, rebuild.Customer, attempt);
            }
            catch (Exception exception)
            {
                LogRestoreFailed(logger, exception, rebuild.Customer, attempt);
                return null;
            }
        }
    }

    private async Task<long> CountKeysAsync(CancellationToken cancellationToken)
    {
        long count = 0;
        for (var partition = 0; partition < partitions.PartitionCount; partition++)
        {
            await foreach (var _ in keys.ListAsync(partition, partitions.PartitionCount, cancellationToken)) count++;
        }

        return count;
    }

    private void Schedule(TimeSpan after)
    {
        if (_stepping) return;
        if (_timer is null) _timer = this.RegisterGrainTimer(StepAsync, new GrainTimerCreationOptions(after, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        else _timer.Change(after, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stores the state as it is now, after any write still in flight (calls and steps interleave).</summary>
    private Task Persist() => _writing = WriteAfter(_writing);

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay {Id} requested: {Customers}")]
    private static partial void LogRequested(ILogger logger, string id, string customers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay {Id} started: {Customers} customers")]
    private static partial void LogStarted(ILogger logger, string id, long? customers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay {Id} resumed at partition {Partition}")]
    private static partial void LogResumed(ILogger logger, string id, int partition);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay {Id} {State}: {Read} customers read, {Rebuilt} rebuilt, {Skipped} skipped, {Failed} failed")]
    private static partial void LogFinished(ILogger logger, string id, ReplayState state, long read, long rebuilt, long skipped, long failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay: customer {CustomerId} is not rebuilt: {Reason}")]
    private static partial void LogNotRebuilt(ILogger logger, string customerId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay: restoring customer {CustomerId} failed (attempt {Attempt})")]
    private static partial void LogRestoreFailed(ILogger logger, Exception exception, string customerId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay: a pass failed ({Failures} in a row); trying again in {Delay}")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, int failures, TimeSpan delay);
}
