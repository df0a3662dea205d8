using ProfileGrid.Settings;

namespace ProfileGrid.Gateway.Importing;

/// <summary>
/// The section <c>ProfileGrid:Imports</c>: the share of capacity bulk imports take, how runs hand over after a crash,
/// and how long an import's record (its rejected lines may hold personal data) is kept.
/// </summary>
public sealed class ImportOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid:Imports";

    public static string SectionPath => Section;

    /// <summary>
    /// Customer batches a gateway's imports keep in flight at once, all imports together; live traffic never waits for
    /// them. 4: on 2 cores live ingest kept 0.77 of its rate during an import at 4, 0.37 at 16, while the import still
    /// ran at 2.5 times batch-100 ingest (docs/benchmarks.md).
    /// </summary>
    public int MaxConcurrentBatches { get; set; } = 4;

    /// <summary>
    /// Customer batches the imports keep in flight while live events come (one came within the last second): live
    /// requests and an import's batches share the same cores, and the batches in flight are the import's share.
    /// 1 by default: live traffic goes first, and the import still goes on. At most <see cref="MaxConcurrentBatches"/>.
    /// </summary>
    public int MaxConcurrentBatchesWithLiveTraffic { get; set; } = 1;

    /// <summary>Events per second a gateway's imports apply at most, all together (0: as fast as the batches allow).</summary>
    public int MaxEventsPerSecond { get; set; }

    /// <summary>Lines read ahead and applied together; the checkpoint moves once all of them are applied.</summary>
    public int WindowLines { get; set; } = 20_000;

    /// <summary>How long a run may go without reporting before another gateway takes the import over (a crashed gateway's).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a gateway looks for imports to resume and for records past their retention.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an import's record, rejected lines included, is kept after it finished.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Where memory mode stages uploads (a temporary folder when not set); durable storage stages them in its blob container <c>imports</c>.</summary>
    public string? StagingPath { get; set; }

    public IEnumerable<string> Problems() => new[]
    {
        CheckedOptions.Within(nameof(MaxConcurrentBatches), MaxConcurrentBatches, 1, 1024),
        // Against the whole share once that is valid (a problem of MaxConcurrentBatches is said once, above).
        CheckedOptions.Within(nameof(MaxConcurrentBatchesWithLiveTraffic), MaxConcurrentBatchesWithLiveTraffic, 1, Math.Max(1, MaxConcurrentBatches)),
        CheckedOptions.Within(nameof(MaxEventsPerSecond), MaxEventsPerSecond, 0, 10_000_000),
        CheckedOptions.Within(nameof(WindowLines), WindowLines, 100, 1_000_000),
        CheckedOptions.Within(nameof(Lease), Lease, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
        CheckedOptions.Within(nameof(ScanInterval), ScanInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
        CheckedOptions.Within(nameof(Retention), Retention, TimeSpan.FromMinutes(1), TimeSpan.FromDays(366)),
        ScanInterval >= Lease ? $"ScanInterval ({ScanInterval}) must be shorter than Lease ({Lease}): a run renews its lease at every scan." : null,
    }.OfType<string>();
}
