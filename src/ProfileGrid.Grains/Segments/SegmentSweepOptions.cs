using ProfileGrid.Settings;

namespace ProfileGrid.Segments;

/// <summary>
/// How much of the cluster the segment sweep (back-fills and reconciliations, <see cref="SegmentSweepGrain"/>) may
/// take (configuration section <see cref="Section"/>): it evaluates at most <see cref="MaxConcurrency"/> customers at
/// once, and works a <see cref="DutyCycle"/> share of the time, resting after each page in proportion to how long the
/// page took, so that a busier cluster makes it slower rather than ingestion.
/// </summary>
public sealed class SegmentSweepOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid:Segments:Sweep";

    public static string SectionPath => Section;

    /// <summary>Customers listed per page of storage (and members per page of a shard), 1 to 1,000.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>At most this many customers (or members) evaluated at once, in the whole cluster: the sweep is one grain.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>The share of time the sweep works, above 0 and at most 1: after a page that took t it rests t × (1 − share) / share.</summary>
    public double DutyCycle { get; set; } = 0.25;

    /// <summary>
    /// How long a new job waits before its first customer, 0 to 10 minutes: by then every silo's catalog must hold its
    /// definition, so at least the catalog's freshness (<see cref="SegmentCatalog.Freshness"/>, 2 s) and time for its
    /// read. Shorter is safe only where one silo's catalog is the one that defines segments (a single-silo test).
    /// </summary>
    public TimeSpan JoinDelay { get; set; } = SegmentCatalog.Freshness + TimeSpan.FromSeconds(1);

    /// <summary>How often each silo wakes the sweep, so that work an ended silo left unfinished resumes elsewhere.</summary>
    public TimeSpan ResumeInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long to rest after work that took <paramref name="busy"/>, so that the sweep works a <see cref="DutyCycle"/> share of the time.</summary>
    public TimeSpan RestAfter(TimeSpan busy) => busy * ((1 - DutyCycle) / DutyCycle);

    /// <summary>What is wrong with the options, or nothing.</summary>
    public IEnumerable<string> Problems() => new[]
    {
        CheckedOptions.Within(nameof(PageSize), PageSize, 1, 1000),
        CheckedOptions.Within(nameof(MaxConcurrency), MaxConcurrency, 1, 1000),
        DutyCycle is > 0 and <= 1 ? null : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"DutyCycle must be above 0 and at most 1, not {DutyCycle}."),
        CheckedOptions.Within(nameof(JoinDelay), JoinDelay, TimeSpan.Zero, TimeSpan.FromMinutes(10)),
        CheckedOptions.Within(nameof(ResumeInterval), ResumeInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
    }.OfType<string>();
}
