namespace ProfileGrid.Importing;

/// <summary>What <c>GET /v1/imports/{id}</c> shows: counters as of the last checkpoint, the rate of the current run and the time left.</summary>
[GenerateSerializer, Immutable, Alias("pg.ImportStatus")]
public sealed record ImportStatus(
    [property: Id(0)] string Id,
    [property: Id(1)] ImportState State,
    [property: Id(2)] ImportFormat Format,
    [property: Id(3)] string Producer,
    [property: Id(4)] string Source,
    [property: Id(5)] long LinesRead,
    [property: Id(6)] long Applied,
    [property: Id(7)] long Duplicates,
    [property: Id(8)] long Rejected,
    [property: Id(9)] double LinesPerSecond,
    [property: Id(10)] double? EtaSeconds,
    [property: Id(11)] DateTimeOffset StartedAt,
    [property: Id(12)] DateTimeOffset? FinishedAt,
    [property: Id(13)] string? Error,
    [property: Id(14)] int Runs,
    [property: Id(15)] long Bytes,
    [property: Id(16)] long BytesRead);

/// <summary>What a claimed run needs: the source, and where the last run stopped.</summary>
[GenerateSerializer, Immutable, Alias("pg.ImportWork")]
public sealed record ImportWork(
    [property: Id(0)] ImportSource Source,
    [property: Id(1)] long Checkpoint,
    [property: Id(2)] long Applied,
    [property: Id(3)] long Duplicates,
    [property: Id(4)] long Rejected);

/// <summary>
/// A run's progress: every line up to <see cref="Checkpoint"/> is applied (or rejected), the counters are totals to
/// it (and <see cref="BytesRead"/> of the file as stored), <see cref="NewRejections"/> are the rejected lines since the last report; <see cref="Finished"/> ends the import.
/// </summary>
[GenerateSerializer, Immutable, Alias("pg.ImportProgress")]
public sealed record ImportProgress(
    [property: Id(0)] long Checkpoint,
    [property: Id(1)] long Applied,
    [property: Id(2)] long Duplicates,
    [property: Id(3)] long Rejected,
    [property: Id(4)] RejectedLine[] NewRejections,
    [property: Id(5)] double LinesPerSecond,
    [property: Id(6)] double? EtaSeconds,
    [property: Id(7)] ImportState Finished = ImportState.Running,
    [property: Id(8)] string? Error = null,
    [property: Id(9)] long BytesRead = 0);

/// <summary>A rejected line: its number in the file (1-based, the header of a CSV file is line 1), why, and its text cut to <see cref="ImportLimits.MaxRejectedTextLength"/>.</summary>
[GenerateSerializer, Immutable, Alias("pg.RejectedLine")]
public sealed record RejectedLine([property: Id(0)] long Line, [property: Id(1)] string Reason, [property: Id(2)] string Text);

/// <summary>The rejected lines kept of an import, and how many were rejected in all.</summary>
[GenerateSerializer, Immutable, Alias("pg.ImportRejections")]
public sealed record ImportRejections([property: Id(0)] string Id, [property: Id(1)] long Rejected, [property: Id(2)] RejectedLine[] Lines);

/// <summary>The bounds of what an import keeps about its rejected lines (it may hold personal data: docs/operations.md, erasure).</summary>
public static class ImportLimits
{
    /// <summary>The rejected lines kept per import; later ones are counted only.</summary>
    public const int MaxRejectedLinesKept = 1000;

    /// <summary>The characters of a rejected line kept: enough to find it in the file, little enough that 1,000 fit one storage row.</summary>
    public const int MaxRejectedTextLength = 256;
}
