using ProfileGrid.Settings;

namespace ProfileGrid.Replay;

/// <summary>
/// How much of the cluster a replay (<see cref="ReplayGrain"/>) may take (configuration section <see cref="Section"/>):
/// it rebuilds the customers of one journal partition at a time, at most <see cref="CustomersPerPass"/> per read of
/// the partition's archive, writes at most <see cref="MaxConcurrency"/> customers at once, and works a
/// <see cref="DutyCycle"/> share of the time, so that live traffic keeps the rest.
/// </summary>
public sealed class ReplayOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid:Replay";

    public static string SectionPath => Section;

    /// <summary>Customers rebuilt per read of a partition's archive: their rebuilt states are held in memory together (a typical one is under 2 KiB).</summary>
    public int CustomersPerPass { get; set; } = 10_000;

    /// <summary>At most this many customers written at once, in the whole cluster: replays run one at a time, in one grain.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>The share of time a replay works, above 0 and at most 1: after a pass that took t it rests t × (1 − share) / share.</summary>
    public double DutyCycle { get; set; } = 0.5;

    /// <summary>How often each silo wakes the replays, so that one whose silo ended resumes elsewhere.</summary>
    public TimeSpan ResumeInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long to rest after work that took <paramref name="busy"/>.</summary>
    public TimeSpan RestAfter(TimeSpan busy) => busy * ((1 - DutyCycle) / DutyCycle);

    public IEnumerable<string> Problems() => new[]
    {
        CheckedOptions.Within(nameof(CustomersPerPass), CustomersPerPass, 1, 1_000_000),
        CheckedOptions.Within(nameof(MaxConcurrency), MaxConcurrency, 1, 1000),
        DutyCycle is > 0 and <= 1 ? null : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"DutyCycle must be above 0 and at most 1, not {DutyCycle}."),
        CheckedOptions.Within(nameof(ResumeInterval), ResumeInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
    }.OfType<string>();
}
