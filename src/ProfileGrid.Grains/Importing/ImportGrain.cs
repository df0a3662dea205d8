using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Customers;

namespace ProfileGrid.Importing;

/// <summary>
/// One import's record (<see cref="IImportGrain"/>), in grain storage <see cref="StorageName"/>. The grain only keeps
/// the books; a gateway's runner reads the file and applies it while it holds the lease.
/// </summary>
public sealed class ImportGrain(
    [PersistentState("import", ImportGrain.StorageName)] IPersistentState<ImportRecord> record,
    [PersistentState("rejected", ImportGrain.StorageName)] IPersistentState<ImportRejectedLines> rejected,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock) : Grain, IImportGrain
{
    public const string StorageName = "imports";

    private IImportRegistryGrain Registry => GrainFactory.GetGrain<IImportRegistryGrain>(IImportRegistryGrain.Key);

    public async Task<ImportStart> Start(ImportSource source)
    {
        if (record.State.Source is not null) return new ImportStart(Status(), Created: false);
        record.State = new ImportRecord { Source = source, State = ImportState.Running, StartedAt = clock.GetUtcNow() };
        // Listed as open first: a record without a listing would never be resumed, a listing without a record is skipped.
        await Registry.Opened(this.GetPrimaryKeyString());
        await WriteAsync();
        return new ImportStart(Status(), Created: true);
    }

    public Task<ImportStatus?> GetStatus() => Task.FromResult(record.State.Source is null ? null : Status());

    public async Task<ImportWork?> Claim(string owner, TimeSpan lease)
    {
        var state = record.State;
        var now = clock.GetUtcNow();
        if (state.Source is null || state.State != ImportState.Running) return null;
        if (state.Owner is not null && state.Owner != owner && state.LeaseUntil > now) return null;
        if (state.Owner != owner) state.Runs++;
        (state.Owner, state.LeaseUntil) = (owner, now + lease);
        await WriteAsync();
        return new ImportWork(state.Source, state.Checkpoint, state.Applied, state.Duplicates, state.Rejected);
    }

    public async Task<bool> Report(string owner, ImportProgress progress, TimeSpan lease)
    {
        var state = record.State;
        if (state.Source is null || state.State != ImportState.Running || state.Owner != owner) return false;
        var now = clock.GetUtcNow();
        // A checkpoint never goes back: a report can only come from the owner, whose run moves forward.
        state.Checkpoint = Math.Max(state.Checkpoint, progress.Checkpoint);
        (state.Applied, state.Duplicates, state.Rejected) = (progress.Applied, progress.Duplicates, progress.Rejected);
        (state.LinesPerSecond, state.EtaSeconds, state.LeaseUntil) = (progress.LinesPerSecond, progress.EtaSeconds, now + lease);
        state.BytesRead = Math.Max(state.BytesRead, progress.BytesRead);
        if (progress.Finished != ImportState.Running)
        {
            (state.State, state.FinishedAt, state.Error, state.Owner, state.EtaSeconds) = (progress.Finished, now, progress.Error, null, null);
        }

        var lines = rejected.State.Lines;
        var room = ImportLimits.MaxRejectedLinesKept - lines.Count;
        if (room > 0 && progress.NewRejections.Length > 0)
        {
            // A line rejected again by a resumed run is kept once.
            var last = lines.Count == 0 ? 0 : lines[^1].Line;
            lines.AddRange(progress.NewRejections.Where(line => line.Line > last).Take(room));
            await rejected.WriteStateAsync();
        }

        await WriteAsync();
        if (state.State != ImportState.Running) await Registry.Finished(this.GetPrimaryKeyString(), now);
        return true;
    }

    public Task<ImportRejections?> GetRejected() => Task.FromResult(record.State.Source is null
        ? null
        : new ImportRejections(this.GetPrimaryKeyString(), record.State.Rejected, [.. rejected.State.Lines]));

    public async Task<bool> Expire(DateTimeOffset finishedBefore)
    {
        var state = record.State;
        if (state.Source is not null && (state.FinishedAt is not { } finished || finished >= finishedBefore)) return false;
        await rejected.ClearStateAsync();
        await record.ClearStateAsync();
        DeactivateOnIdle();
        return true;
    }

    private ImportStatus Status()
    {
        var state = record.State;
        var source = state.Source!;
        return new ImportStatus(this.GetPrimaryKeyString(), state.State, source.Format, source.Producer, source.Description,
            state.Checkpoint, state.Applied, state.Duplicates, state.Rejected, state.State == ImportState.Running ? state.LinesPerSecond : 0,
            state.EtaSeconds, state.StartedAt, state.FinishedAt, state.Error, state.Runs, source.Bytes, state.State == ImportState.Done ? source.Bytes : state.BytesRead);
    }

    private async Task WriteAsync()
    {
        try
        {
            await record.WriteStateAsync();
        }
        catch
        {
            // Nothing unstored stays: the next call reads what is stored.
            await record.ReadStateAsync();
            throw;
        }
    }
}
