using ProfileGrid.Settings;

namespace ProfileGrid.Wakeups;

/// <summary>How the wake-up scheduler runs (configuration section <see cref="Section"/>).</summary>
public sealed class WakeupOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid:Wakeups";

    public static string SectionPath => Section;

    /// <summary>How often the scheduler looks for customers due, and each silo makes sure it runs: a wake-up comes at most this late.</summary>
    public TimeSpan TickPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>At most this many customers are woken per tick, so that a busy minute, or catching up after a pause, spreads out.</summary>
    public int MaxWakesPerTick { get; set; } = 1000;

    /// <summary>
    /// At most this many minutes are passed per tick when the scheduler catches up after a pause: a listing of the
    /// schedule per hour of them (per day for whole days), and a read per bucket that holds anyone (a day by default).
    /// </summary>
    public int MaxMinutesPerTick { get; set; } = 1440;

    /// <summary>
    /// A tick that has this many minutes or more to read lists the buckets stored for them and reads only those; one
    /// with fewer asks every bucket of its minutes (grains that stay active, so no storage read). At least 1 (always list).
    /// </summary>
    public int ListFromMinutes { get; set; } = 3;

    /// <summary>Customers woken at once.</summary>
    public int ConcurrentWakes { get; set; } = 32;

    /// <summary>What is wrong with the options, or nothing.</summary>
    public IEnumerable<string> Problems() => new[]
    {
        // Customers are woken within a minute of their due time, so the scheduler looks at least twice a minute.
        CheckedOptions.Within(nameof(TickPeriod), TickPeriod, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(30)),
        CheckedOptions.Within(nameof(MaxWakesPerTick), MaxWakesPerTick, 1, 100_000),
        CheckedOptions.Within(nameof(MaxMinutesPerTick), MaxMinutesPerTick, 1, 60 * 24 * 366),
        CheckedOptions.Within(nameof(ListFromMinutes), ListFromMinutes, 1, 60 * 24),
        CheckedOptions.Within(nameof(ConcurrentWakes), ConcurrentWakes, 1, 1000),
    }.OfType<string>();
}
