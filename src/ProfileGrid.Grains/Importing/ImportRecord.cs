namespace ProfileGrid.Importing;

/// <summary>The stored record of one import: where it reads, its counters and checkpoint, and who runs it until when.</summary>
[GenerateSerializer, Alias("pg.ImportRecord")]
public sealed class ImportRecord
{
    [Id(0)] public ImportSource? Source { get; set; }

    [Id(1)] public ImportState State { get; set; }

    /// <summary>Lines fully applied or rejected, from the start of the file, in order: a run resumes after them.</summary>
    [Id(2)] public long Checkpoint { get; set; }

    [Id(3)] public long Applied { get; set; }

    [Id(4)] public long Duplicates { get; set; }

    [Id(5)] public long Rejected { get; set; }

    [Id(6)] public double LinesPerSecond { get; set; }

    [Id(7)] public double? EtaSeconds { get; set; }

    [Id(8)] public DateTimeOffset StartedAt { get; set; }

    [Id(9)] public DateTimeOffset? FinishedAt { get; set; }

    [Id(10)] public string? Error { get; set; }

    /// <summary>The gateway running the import, and until when its lease holds.</summary>
    [Id(11)] public string? Owner { get; set; }

    [Id(12)] public DateTimeOffset LeaseUntil { get; set; }

    /// <summary>How many runs the import took (more than one after a crash or a lost lease).</summary>
    [Id(13)] public int Runs { get; set; }

    /// <summary>The bytes of the file (as stored) read up to the checkpoint, for a progress bar.</summary>
    [Id(14)] public long BytesRead { get; set; }
}

/// <summary>The first rejected lines of an import (<see cref="ImportLimits.MaxRejectedLinesKept"/>), stored apart so that a checkpoint without new rejections does not rewrite them.</summary>
[GenerateSerializer, Alias("pg.ImportRejectedLines")]
public sealed class ImportRejectedLines
{
    [Id(0)] public List<RejectedLine> Lines { get; set; } = [];
}
