using System.Diagnostics;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Importing;

namespace ProfileGrid.Gateway.Importing;

/// <summary>
/// One run of an import by this gateway: reads the file after the checkpoint (<see cref="ImportReader"/>) a window of
/// lines at a time, applies each window through the grain calls live traffic uses (events in per-customer batches,
/// traits and identifies in the order read per customer), and moves the checkpoint past the window only once every
/// line of it was applied or rejected. A crash re-applies at most the window in flight, whose events the customers'
/// idempotency logs then count as duplicates: nothing counts twice.
/// </summary>
internal sealed partial class ImportRun(
    string id, string owner, ImportWork work, ImportStaging staging, CustomerGrains customers, Identification identification,
    ImportLimiter limiter, ImportOptions options, TimeProvider clock, IGrainFactory grains, ILogger logger)
{
    private static readonly TimeSpan[] Retries = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];

    private long _applied = work.Applied, _duplicates = work.Duplicates, _rejected = work.Rejected;
    private readonly List<RejectedLine> _newRejections = [];
    private long _bytesRead;

    private IImportGrain Import => grains.GetGrain<IImportGrain>(id);

    public async Task RunAsync(CancellationToken cancellation)
    {
        // Ends the reader's thread with the run, however the run ends (a lost lease, a failure): it may be waiting for room in the channel.
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        try
        {
            await RunAsync(running.Token, cancellation);
        }
        finally
        {
            await running.CancelAsync();
        }
    }

    private async Task RunAsync(CancellationToken reading, CancellationToken cancellation)
    {
        ImportReader reader;
        System.Threading.Channels.ChannelReader<ImportItem> lines;
        try
        {
            var file = await staging.OpenAsync(work.Source, cancellation);
            reader = new ImportReader(file, work.Source, id, work.Checkpoint, clock);
            lines = reader.Start(reading);
        }
        catch (Exception gone) when (gone is FileNotFoundException or DirectoryNotFoundException
            || gone is Azure.RequestFailedException { Status: 404 })
        {
            await FinishAsync(ImportState.Failed, work.Checkpoint, "the file is gone: its staged copy or blob was deleted", cancellation);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var startBytes = -1L;
        var checkpoint = work.Checkpoint;
        var window = new List<ImportItem>(options.WindowLines);
        try
        {
            await foreach (var item in lines.ReadAllAsync(cancellation))
            {
                if (startBytes < 0) (startBytes, started) = (reader.BytesRead, Stopwatch.GetTimestamp());
                window.Add(item);
                if (window.Count < options.WindowLines) continue;
                // Read ahead of the window by the channel's capacity at most: a progress bar's worth of difference.
                _bytesRead = reader.BytesRead;
                checkpoint = await ApplyAsync(window, cancellation);
                if (!await ReportAsync(checkpoint, Rate(checkpoint), Eta(reader, startBytes, started), cancellation)) return;
                window.Clear();
            }
        }
        catch (InvalidDataException unreadable)
        {
            if (window.Count > 0) checkpoint = await ApplyAsync(window, cancellation);
            LogUnreadable(logger, unreadable, id, checkpoint);
            await FinishAsync(ImportState.Failed, checkpoint, $"the file cannot be read past line {checkpoint}: {unreadable.Message}", cancellation);
            return;
        }

        if (window.Count > 0) checkpoint = await ApplyAsync(window, cancellation);
        await FinishAsync(ImportState.Done, checkpoint, null, cancellation);

        double Rate(long at) => (at - work.Checkpoint) / Math.Max(Stopwatch.GetElapsedTime(started).TotalSeconds, 0.001);
    }

    private double? Eta(ImportReader reader, long startBytes, long started)
    {
        var bytes = reader.BytesRead - Math.Max(startBytes, 0);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (bytes <= 0 || seconds <= 0 || work.Source.Bytes <= 0) return null;
        return Math.Max(0, (work.Source.Bytes - reader.BytesRead) / (bytes / seconds));
    }

    private async Task FinishAsync(ImportState state, long checkpoint, string? error, CancellationToken cancellation)
    {
        if (!await ReportAsync(checkpoint, 0, null, cancellation, state, error)) return;
        if (work.Source.Staged)
        {
            try
            {
                await staging.DeleteAsync(work.Source.Location, cancellation);
            }
            catch (Exception failure)
            {
                LogStagedNotDeleted(logger, failure, id);
            }
        }

        LogFinished(logger, id, state, checkpoint, _applied, _duplicates, _rejected);
    }

    private async Task<bool> ReportAsync(long checkpoint, double rate, double? eta, CancellationToken cancellation, ImportState finished = ImportState.Running, string? error = null)
    {
        // In line order: the window's lines were applied in parallel, and the record keeps the first ones of the file.
        _newRejections.Sort(static (a, b) => a.Line.CompareTo(b.Line));
        var progress = new ImportProgress(checkpoint, _applied, _duplicates, _rejected, [.. _newRejections], rate, eta, finished, error, _bytesRead);
        var ours = await WithRetriesAsync(() => Import.Report(owner, progress, options.Lease), cancellation);
        _newRejections.Clear();
        if (!ours) LogLeaseLost(logger, id);
        return ours;
    }

    /// <summary>Applies a window: traits and identifies first (per customer, in order), then the events; returns the checkpoint after it.</summary>
    private async Task<long> ApplyAsync(List<ImportItem> window, CancellationToken cancellation)
    {
        var events = new Dictionary<string, List<ImportEvent>>(StringComparer.Ordinal);
        var profiles = new Dictionary<string, List<ImportAction>>(StringComparer.Ordinal);
        foreach (var item in window)
        {
            if (item.Rejected is { } rejected) Reject(rejected);
            else if (item.Action is ImportEvent customerEvent) Add(events, customerEvent.CustomerKey, customerEvent);
            else if (item.Action is ImportTraits traits) Add(profiles, traits.CustomerKey, traits);
            else if (item.Action is ImportIdentify identify) Add(profiles, identify.CustomerKey, identify);
        }

        await Task.WhenAll(profiles.Select(customer => ApplyProfileAsync(customer.Value, cancellation)));
        var batches = new List<Task>(events.Count);
        foreach (var (customerKey, group) in events)
        {
            for (var offset = 0; offset < group.Count; offset += EventLimits.MaxBatchEvents)
                batches.Add(ApplyEventsAsync(customerKey, group.GetRange(offset, Math.Min(EventLimits.MaxBatchEvents, group.Count - offset)), cancellation));
        }

        await Task.WhenAll(batches);
        return window[^1].Unit;
    }

    private async Task ApplyEventsAsync(string customerKey, List<ImportEvent> group, CancellationToken cancellation)
    {
        var batch = new CustomerEvent[group.Count];
        for (var i = 0; i < batch.Length; i++) batch[i] = group[i].Event;
        ApplyEventsResult result;
        using (await limiter.EnterAsync(batch.Length, cancellation))
        {
            result = await WithRetriesAsync(() => customers.Get(customerKey).ApplyEvents(work.Source.Producer, batch), cancellation);
        }

        for (var i = 0; i < result.Outcomes.Length; i++)
        {
            switch (result.Outcomes[i])
            {
                case EventOutcome.Accepted: Interlocked.Increment(ref _applied); ImportMetrics.Applied(); break;
                case EventOutcome.Duplicate: Interlocked.Increment(ref _duplicates); ImportMetrics.Duplicate(); break;
                default: Reject(new RejectedLine(group[i].Line, result.Errors[i] ?? "rejected", Summary(customerKey, group[i].Event))); break;
            }
        }
    }

    private async Task ApplyProfileAsync(List<ImportAction> actions, CancellationToken cancellation)
    {
        foreach (var action in actions)
        {
            string? refused;
            using (await limiter.EnterAsync(0, cancellation))
            {
                refused = action switch
                {
                    ImportTraits traits => (await WithRetriesAsync(() => customers.Get(traits.CustomerKey).MergeTraits(traits.Patch), cancellation)).Conflict,
                    ImportIdentify { PreviousId: { } previous } alias =>
                        (await WithRetriesAsync(() => identification.AliasAsync(alias.CustomerKey, previous, alias.Patch), cancellation)).Conflict,
                    ImportIdentify identify =>
                        (await WithRetriesAsync(() => identification.IdentifyAsync(identify.CustomerKey, identify.Anonymous, [], identify.Patch), cancellation)).Conflict,
                    _ => throw new InvalidOperationException($"Unexpected import action {action.GetType().Name}."),
                };
            }

            if (refused is null)
            {
                Interlocked.Increment(ref _applied);
                ImportMetrics.Applied();
            }
            else Reject(new RejectedLine(action.Line, refused, $"customer {Cut(action switch { ImportTraits t => t.CustomerKey, ImportIdentify i => i.CustomerKey, _ => "" })}"));
        }
    }

    private void Reject(RejectedLine line)
    {
        Interlocked.Increment(ref _rejected);
        ImportMetrics.Rejected();
        lock (_newRejections)
        {
            if (_newRejections.Count < ImportLimits.MaxRejectedLinesKept) _newRejections.Add(line);
        }
    }

    /// <summary>What a rejection keeps of an event the customer refused: enough to find its line.</summary>
    private static string Summary(string customerKey, CustomerEvent refused) => Cut($"id={refused.Id} type={refused.Type} customer={customerKey} timestamp={refused.Timestamp:O}");

    private static string Cut(string text) => text.Length <= ImportLimits.MaxRejectedTextLength ? text : text[..ImportLimits.MaxRejectedTextLength];

    private static void Add<T>(Dictionary<string, List<T>> groups, string key, T item)
    {
        if (!groups.TryGetValue(key, out var group)) groups.Add(key, group = []);
        group.Add(item);
    }

    /// <summary>
    /// Calls until one succeeds, waiting longer each time, a few times: a silo that restarts or a storage hiccup
    /// should not end the run. Every call is safe to repeat (event ids, trait times). Past the last, the run stops
    /// without reporting: its lease expires and the import is resumed from the checkpoint.
    /// </summary>
    private async Task<T> WithRetriesAsync<T>(Func<Task<T>> call, CancellationToken cancellation)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception failure) when (attempt < Retries.Length && failure is not OperationCanceledException && !cancellation.IsCancellationRequested)
            {
                LogRetry(logger, failure, id, attempt + 1);
                await Task.Delay(Retries[attempt], cancellation);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId}: a call failed (attempt {Attempt}); trying again")]
    private static partial void LogRetry(ILogger logger, Exception exception, string importId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId}: another gateway took the run over (this one's lease expired); stopping")]
    private static partial void LogLeaseLost(ILogger logger, string importId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {ImportId}: the file cannot be read past unit {Checkpoint}")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string importId, long checkpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId}: its staged copy was not deleted; the retention sweep does not reach it")]
    private static partial void LogStagedNotDeleted(ILogger logger, Exception exception, string importId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} {State} after {Lines} lines: {Applied} applied, {Duplicates} duplicates, {Rejected} rejected")]
    private static partial void LogFinished(ILogger logger, string importId, ImportState state, long lines, long applied, long duplicates, long rejected);
}
