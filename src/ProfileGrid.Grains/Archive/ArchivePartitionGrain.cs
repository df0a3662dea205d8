using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using ProfileGrid.Customers;
using ProfileGrid.Storage;
using ProfileGrid.Storage.Archive;

namespace ProfileGrid.Archive;

/// <summary>
/// Archives one partition of the customer journals' outbox: every <see cref="ArchiveOptions.PollPeriod"/> it takes the
/// oldest rows (up to <see cref="ArchiveOptions.RowsPerRead"/>), writes their records as one blob
/// (<see cref="ArchiveBlobs"/>) named after the first row and tagged with the last, which must not exist yet, then
/// deletes them. The outbox is the durable cursor: rows are deleted only after their blob is written, so an archiver
/// that stopped in between (a crash, a failing blob store) finds the rows again, finds the blob of the first written,
/// and deletes the rows up to the tag's (those the blob holds; later rows go in the next blob): every record is
/// archived exactly once. One blob per read, not per row, keeps the archive's requests to about three per partition
/// and poll under load. A replay that resumes a partition asks for a catch-up (<see cref="CatchUp"/>): the rows waiting
/// then are archived at once, in turn with the polls. Partition 0's archiver also runs the retention job
/// (<see cref="ArchiveOptions.RetentionDays"/>). The polls are a grain timer that keeps the grain active; every
/// silo's <see cref="ArchiveTicker"/> starts it again after the grain moved.
/// </summary>
[Reentrant]
public sealed partial class ArchivePartitionGrain(
    [FromKeyedServices(StorageNames.Customers)] IJournalOutbox outbox,
    IArchiveStore store,
    IOptions<ArchiveOptions> options,
    ILogger<ArchivePartitionGrain> logger) : Grain, IArchivePartitionGrain
{
    private readonly ArchiveOptions _options = options.Value;
    private IGrainTimer? _timer;
    // The polls and a replay's catch-up take turns (two reads of the same rows would both write their blob): each run starts after the one before.
    private Task _archiving = Task.CompletedTask;
    private DateTimeOffset _retentionDue = DateTimeOffset.MinValue;

    private int Partition => (int)this.GetPrimaryKeyLong();

    public Task Poke()
    {
        _timer ??= this.RegisterGrainTimer(RunAsync, new GrainTimerCreationOptions(TimeSpan.Zero, _options.PollPeriod) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public async Task CatchUp()
    {
        await Poke();
        await ArchiveWaitingAsync(DateTimeOffset.UtcNow, CancellationToken.None);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ArchiveWaitingAsync(writtenBefore: null, cancellationToken);
            if (Partition == 0 && _options.RetentionDays > 0 && DateTimeOffset.UtcNow >= _retentionDue)
            {
                await ApplyRetentionAsync(DateTimeOffset.UtcNow, cancellationToken);
                _retentionDue = DateTimeOffset.UtcNow + _options.RetentionPeriod;
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Nothing is lost: rows stay in the outbox until their blobs are written, and are taken again at the next poll.
            LogArchiveFailed(logger, exception, Partition);
        }
    }

    /// <summary>
    /// Archives the rows waiting, oldest first, one read at a time, until none is left (or, with
    /// <paramref name="writtenBefore"/>, until the rows written before it are archived), after the run before it.
    /// </summary>
    private Task ArchiveWaitingAsync(DateTimeOffset? writtenBefore, CancellationToken cancellationToken) =>
        _archiving = ArchiveWaitingAfterAsync(_archiving, writtenBefore, cancellationToken);

    private async Task ArchiveWaitingAfterAsync(Task previous, DateTimeOffset? writtenBefore, CancellationToken cancellationToken)
    {
        try
        {
            await previous;
        }
        catch (Exception)
        {
            // Its caller saw it; this run reads the rows again.
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var rows = await outbox.ReadOldestAsync(Partition, _options.RowsPerRead, cancellationToken);
            ArchiveMetrics.Depth(Partition, rows.Count);
            if (rows.Count == 0) break;
            var archived = await ArchiveAsync(rows, cancellationToken);
            await outbox.DeleteAsync(Partition, archived, cancellationToken);
            var archivedAt = DateTimeOffset.UtcNow;
            foreach (var row in archived) ArchiveMetrics.Archived(archivedAt - row.WrittenAt, row.Records.Count);
            if (rows.Count < _options.RowsPerRead || (writtenBefore is { } before && rows[^1].WrittenAt >= before)) break;
        }
    }

    /// <summary>Writes the rows' blob; returns the rows it holds: all of them, or those an earlier write of the same blob held.</summary>
    private async Task<IReadOnlyList<OutboxRow>> ArchiveAsync(IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken)
    {
        var name = ArchiveBlobs.Name(rows[0].WrittenAt, Partition, rows[0].Id);
        var earlier = await store.TryCreateAsync(name, ArchiveBlobs.Write(rows.SelectMany(row => row.Records)), rows[^1].Id, cancellationToken);
        if (earlier is null)
        {
            ArchiveMetrics.BlobWritten();
            return rows;
        }

        LogAlreadyArchived(logger, name);
        // Only the rows whose records that blob holds. Row ids are taken before their write commits, so a row may come
        // after the blob was written with an id between its first and last: deleting every row up to the tag deleted
        // it unarchived (a silo killed mid-import lost a write of the archive, SiloCrashRecoveryTests in CI). Such a
        // row stays for the next blob. (With the blob gone meanwhile, as retention may, the tag's bound is all there is.)
        var blob = await store.ReadAsync(name, cancellationToken);
        var held = blob is null ? null : ArchiveBlobs.Lines(blob);
        return [.. rows.Where(row => string.CompareOrdinal(row.Id, earlier) <= 0
            && (held is null || row.Records.All(record => held.Contains(Convert.ToBase64String(record)))))];
    }

    /// <summary>Deletes the blobs of the days before the first day kept; names sort by day, so the listing stops there.</summary>
    private async Task ApplyRetentionAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var firstKept = ArchiveBlobs.DayPrefix(now.AddDays(-(_options.RetentionDays - 1)));
        var deleted = 0;
        await foreach (var name in store.ListAsync("", cancellationToken))
        {
            if (string.CompareOrdinal(name, firstKept) >= 0) break;
            if (ArchiveBlobs.DayOf(name) is null) continue;
            await store.DeleteAsync(name, cancellationToken);
            deleted++;
        }

        if (deleted > 0) LogRetention(logger, deleted, firstKept);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Archiving outbox partition {Partition} failed; its rows stay and are archived at the next poll")]
    private static partial void LogArchiveFailed(ILogger logger, Exception exception, int partition);

    [LoggerMessage(Level = LogLevel.Information, Message = "Archive blob {Name} was written before (an archiver stopped before deleting its outbox rows); not written again, its rows deleted")]
    private static partial void LogAlreadyArchived(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Archive retention deleted {Blobs} blobs of the days before {FirstKept}")]
    private static partial void LogRetention(ILogger logger, int blobs, string firstKept);
}
