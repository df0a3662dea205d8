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

    /// <summary>The customers to rebuild, or null for every customer with an archive key.</summary>
    [Id(1)] public string[]? Customers { get; set; }

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

    public bool Finished => State is ReplayState.Done or ReplayState.Failed;

    public ReplayStatus ToStatus(ReplayCounts? pending, DateTimeOffset now)
    {
        var counts = pending is null ? Done : Done.Plus(pending);
        var seconds = StartedAt is { } started ? ((FinishedAt ?? now) - started).TotalSeconds : 0;
        var rate = seconds > 0 ? Math.Round(counts.Read / seconds, 1) : 0;
        double? eta = Finished ? 0 : Total is { } total && rate > 0 ? Math.Round(Math.Max(0, total - counts.Read) / rate, 1) : null;
        return new ReplayStatus(Id, State, Customers is null, Total, counts.Read, counts.Rebuilt, counts.Skipped, counts.Failed,
            RequestedAt, StartedAt, FinishedAt, rate, eta, [.. counts.Reasons.Select(pair => ReplayCounts.ReasonOf(pair.Key, pair.Value))], Error);
    }
}

/// <summary>Customers read, rebuilt, skipped and failed, and why skipped or failed (outcome and reason → customers).</summary>
[GenerateSerializer, Alias("pg.ReplayCounts")]
public sealed class ReplayCounts
{
    /// <summary>Distinct reasons kept; more count under the last.</summary>
    private const int MaxReasons = 20;

    [Id(0)] public long Read { get; set; }

    [Id(1)] public long Rebuilt { get; set; }

    [Id(2)] public long Skipped { get; set; }

    [Id(3)] public long Failed { get; set; }

    [Id(4)] public Dictionary<string, long> Reasons { get; set; } = new(StringComparer.Ordinal);

    public void Skip(string reason)
    {
        Skipped++;
        Count("skipped", reason);
    }

    public void Fail(string reason)
    {
        Failed++;
        Count("failed", reason);
    }

    public ReplayCounts Plus(ReplayCounts other)
    {
        var sum = new ReplayCounts { Read = Read + other.Read, Rebuilt = Rebuilt + other.Rebuilt, Skipped = Skipped + other.Skipped, Failed = Failed + other.Failed };
        foreach (var (key, count) in Reasons.Concat(other.Reasons)) sum.Add(key, count);
        return sum;
    }

    public static ReplayReason ReasonOf(string key, long customers)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return new ReplayReason(key[..colon], key[(colon + 2)..], customers);
    }

    private void Count(string outcome, string reason) => Add($"{outcome}: {reason}", 1);

    private void Add(string key, long count)
    {
        if (!Reasons.ContainsKey(key) && Reasons.Count >= MaxReasons) key = key[..key.IndexOf(':', StringComparison.Ordinal)] + ": other reasons";
        Reasons[key] = Reasons.GetValueOrDefault(key) + count;
    }
}

/// <summary>Every replay the grid remembers (the last <see cref="MaxJobs"/>), oldest first.</summary>
[GenerateSerializer, Alias("pg.ReplaysState")]
public sealed class ReplaysState
{
    public const int MaxJobs = 100;

    [Id(0)] public List<ReplayJob> Jobs { get; set; } = [];
}
