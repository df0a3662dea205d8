using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProfileGrid.Customers;
using ProfileGrid.Storage;

namespace ProfileGrid.Segments;

/// <summary>
/// Back-fills one segment: pages through the customers in storage (<see cref="IJournalStorage.ListKeysAsync"/>),
/// asks each page's customers at once to evaluate the definition, and stores its place after every page, so that
/// progress survives the activation. A page that fails is tried again; after <see cref="MaxFailures"/> failures in a
/// row the back-fill stops as failed (defining the segment again starts it over). An activation that finds a
/// back-fill unfinished (after a silo's end) resumes it when it is next asked for its status. A new back-fill waits
/// <see cref="SegmentCatalog.Freshness"/> before its first page: by then every silo evaluates the definition at each
/// write, so a customer is either written after that (and evaluated by the write) or stored before (and listed here).
/// A segment that time alone may let customers into is swept again every <see cref="SegmentOptions.TimeSweepInterval"/>
/// after each back-fill finishes (the grain stays active meanwhile).
/// </summary>
public sealed partial class SegmentBackfillGrain(
    [PersistentState("backfill", SegmentRegistryGrain.StorageName)] IPersistentState<SegmentBackfillState> state,
    [FromKeyedServices(StorageNames.Customers)] IJournalStorage customers,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    IOptions<SegmentOptions> options,
    ILogger<SegmentBackfillGrain> logger) : Grain, ISegmentBackfillGrain
{
    public const int MaxFailures = 5;

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(1);
    private IGrainTimer? _timer;
    private IGrainTimer? _sweep;
    private int _failures;

    public Task<BackfillStatus> Start(SegmentDefinition definition) => Start(definition, sweep: false);

    private async Task<BackfillStatus> Start(SegmentDefinition definition, bool sweep)
    {
        var current = state.State;
        if (current.Definition == definition && current.State == BackfillState.Running) return Resume();
        // A sweep of a definition replaced meanwhile is not run: the new definition's back-fill is.
        if (sweep && current.Definition != definition) return current.ToStatus();
        _sweep?.Dispose();
        _sweep = null;
        state.State = new SegmentBackfillState
        {
            Definition = definition,
            State = BackfillState.Running,
            StartedAt = clock.GetUtcNow(),
        };
        await state.WriteStateAsync();
        _failures = 0;
        Stop();
        return Resume(sweep ? TimeSpan.Zero : SegmentCatalog.Freshness);
    }

    public Task<BackfillStatus> Status()
    {
        ScheduleSweep();
        return Task.FromResult(Resume());
    }

    /// <summary>Runs the pages while the back-fill is unfinished; the timer keeps the grain active meanwhile.</summary>
    private BackfillStatus Resume(TimeSpan wait = default)
    {
        if (state.State.State == BackfillState.Running)
            _timer ??= this.RegisterGrainTimer(PageAsync, new GrainTimerCreationOptions(wait, Pause) { KeepAlive = true });
        return state.State.ToStatus();
    }

    private async Task PageAsync(CancellationToken cancellationToken)
    {
        var current = state.State;
        if (current.State != BackfillState.Running || current.Definition is not { } definition)
        {
            Stop();
            return;
        }

        try
        {
            var page = await customers.ListKeysAsync(current.Continuation, options.Value.BackfillPageSize, cancellationToken);
            await Task.WhenAll(page.Keys.Select(key => GrainFactory.GetGrain<ICustomerGrain>(key).ReevaluateSegments(definition)));
            current.Visited += page.Keys.Count;
            current.Continuation = page.Continuation;
            if (page.Continuation is null)
            {
                (current.State, current.FinishedAt) = (BackfillState.Done, clock.GetUtcNow());
                LogDone(logger, definition.Name, current.Visited);
            }

            await state.WriteStateAsync(cancellationToken);
            _failures = 0;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            if (++_failures < MaxFailures)
            {
                LogPageFailed(logger, exception, definition.Name, _failures);
                return;
            }

            LogFailed(logger, exception, definition.Name, current.Visited);
            (current.State, current.FinishedAt, current.Error) = (BackfillState.Failed, clock.GetUtcNow(), exception.Message);
            await state.WriteStateAsync(CancellationToken.None);
        }

        if (current.State != BackfillState.Running)
        {
            Stop();
            ScheduleSweep();
        }
    }

    /// <summary>After a finished back-fill of a segment time may let customers into, the next sweep.</summary>
    private void ScheduleSweep()
    {
        if (_sweep is not null || state.State is not { State: BackfillState.Done or BackfillState.Failed, Definition: { } definition }) return;
        if (!SegmentTiming.CanEnterWithTime(RuleParser.Parse(definition.Rule))) return;
        var interval = options.Value.TimeSweepInterval;
        _sweep = this.RegisterGrainTimer(async _ =>
        {
            _sweep?.Dispose();
            _sweep = null;
            await Start(definition, sweep: true);
        }, new GrainTimerCreationOptions(interval, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private void Stop()
    {
        _timer?.Dispose();
        _timer = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Back-fill of segment {Segment} done: {Visited} customers evaluated")]
    private static partial void LogDone(ILogger logger, string segment, long visited);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A back-fill page of segment {Segment} failed ({Failures} in a row); trying it again")]
    private static partial void LogPageFailed(ILogger logger, Exception exception, string segment, int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "Back-fill of segment {Segment} failed after {Visited} customers; define the segment again to start over")]
    private static partial void LogFailed(ILogger logger, Exception exception, string segment, long visited);
}

[GenerateSerializer, Alias("pg.SegmentBackfillState")]
public sealed class SegmentBackfillState
{
    [Id(0)] public SegmentDefinition? Definition { get; set; }

    [Id(1)] public BackfillState State { get; set; }

    [Id(2)] public string? Continuation { get; set; }

    [Id(3)] public long Visited { get; set; }

    [Id(4)] public DateTimeOffset? StartedAt { get; set; }

    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }

    [Id(6)] public string? Error { get; set; }

    public BackfillStatus ToStatus() => new(State, Visited, StartedAt, FinishedAt, Error, Definition?.DefinedAt);
}
