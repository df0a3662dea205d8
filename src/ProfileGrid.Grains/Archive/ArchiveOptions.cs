using System.Text.RegularExpressions;
using ProfileGrid.Settings;

namespace ProfileGrid.Archive;

/// <summary>How accepted writes are archived (configuration section <see cref="Section"/>).</summary>
public sealed partial class ArchiveOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid:Archive";

    public const string DefaultContainerName = "profilegrid-archive";

    public static string SectionPath => Section;

    /// <summary>Whether each customer write is archived (encrypted into the journal's outbox, then into blobs).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The blob container of the archive, in the storage account of the tables.</summary>
    public string ContainerName { get; set; } = DefaultContainerName;

    /// <summary>
    /// How often each partition's archiver looks for outbox rows: the archive lags the journal by about this much when
    /// idle. Each look costs a query, and under load a blob and a delete, per partition: at 1 s the 64 archivers'
    /// queries alone took a fifth of Azurite's CPU under ingest (it answers one by reading the whole table), so 5 s
    /// (docs/benchmarks.md, "The archive").
    /// </summary>
    public TimeSpan PollPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each silo makes sure every partition's archiver runs (restarting those whose silo went away).</summary>
    public TimeSpan KeepRunningPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Outbox rows a partition's archiver takes at a time: they become one blob.</summary>
    public int RowsPerRead { get; set; } = 100;

    /// <summary>Days of the archive kept (by the day a record was archived for); 0 keeps it forever.</summary>
    public int RetentionDays { get; set; }

    /// <summary>How often the retention job (partition 0's archiver) deletes the days past <see cref="RetentionDays"/>.</summary>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<string> Problems() => new[]
    {
        ContainerNameRule().IsMatch(ContainerName) && !ContainerName.Contains("--", StringComparison.Ordinal)
            ? null
            : $"{nameof(ContainerName)} '{ContainerName}' is not a blob container name: 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.",
        CheckedOptions.Within(nameof(PollPeriod), PollPeriod, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1)),
        CheckedOptions.Within(nameof(KeepRunningPeriod), KeepRunningPeriod, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)),
        CheckedOptions.Within(nameof(RowsPerRead), RowsPerRead, 1, 1000),
        CheckedOptions.Within(nameof(RetentionDays), RetentionDays, 0, 36_500),
        CheckedOptions.Within(nameof(RetentionPeriod), RetentionPeriod, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
    }.OfType<string>();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerNameRule();
}
