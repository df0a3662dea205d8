namespace ProfileGrid.Replay;

/// <summary>
/// One replay as stored: what it rebuilds and what it did up to its checkpoint, the first journal partition not yet
/// done (<see cref="Partition"/>). A resumed replay starts that partition again: its customers are rebuilt again,
/// which stores the same state once more.
/// </summary>
[GenerateSerializer, Alias("pg.ReplayJob")]
public sealed class ReplayJob
{
    [Id(0)] public string Id { get; set; } = "";

    /// <summary>The customers to rebuild (null for every customer with an archive key); forgotten when it finishes, so that the status stored names no one.</summary>
    [Id(1)] public string[]? Customers { get; set; }

    /// <summary>Whether it rebuilds every customer with an archive key.</summary>
    [Id(10)] public bool All { get; set; }

    [Id(2)] public ReplayState State { get; set; }

    /// <summary>How many customers it rebuilds: the list's, or the keys counted when it started.</summary>
    [Id(3)] public long? Total { get; set; }

    [Id(4)] public ReplayCounts Done { get; set; } = new();

    [Id(5)] public DateTimeOffset RequestedAt { get; set; }

    [Id(6)] public DateTimeOffset? StartedAt { get; set; }

    [Id(7)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The first partition not done yet.</summary>
    [Id(8)] public int Partition { get; set; }

    /// <summary>Why it is held up (storage out of reach), while it is.</summary>
    [Id(9)] public string? Error { get; set; }

    /// <summary>The event types whose year it brings back (a history back-fill: they just became history types); null for a replay asked for as such.</summary>
    [Id(11)] public string[]? HistoryTypes { get; set; }

    /// <summary>Not started before this instant (the wall clock's): a history back-fill waits until every silo reads the definition that made its types history types.</summary>
    [Id(12)] public DateTimeOffset? NotBefore { get; set; }

    public bool Finished => State is ReplayState.Done or ReplayState.Failed;

    public ReplayStatus ToStatus(ReplayCounts? pending, DateTimeOffset now)
    {
        var counts = pending is null ? Done : Done.Plus(pending);
        var seconds = StartedAt is { } started ? ((FinishedAt ?? now) - started).TotalSeconds : 0;
        var rate = seconds > 0 ? Math.Round(counts.Read / seconds, 1) : 0;
        double? eta = Finished ? 0 : Total is { } total && rate > 0 ? Math.Round(Math.Max(0, total - counts.Read) / rate, 1) : null;
        return new ReplayStatus(Id, State, All, Total, counts.Read, counts.Rebuilt, counts.Skipped, counts.Failed,
            RequestedAt, StartedAt, FinishedAt, rate, eta, [.. counts.Reasons.Select(pair => ReplayCounts.ReasonOf(pair.Key, pair.Value))], Error);
    }
}
