namespace ProfileGrid.Replay;

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
