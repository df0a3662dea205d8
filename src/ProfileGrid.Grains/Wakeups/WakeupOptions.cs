using Microsoft.Extensions.Options;

namespace ProfileGrid.Wakeups;

/// <summary>How the wake-up scheduler runs (configuration section <see cref="Section"/>).</summary>
public sealed class WakeupOptions
{
    public const string Section = "ProfileGrid:Wakeups";

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
    public IEnumerable<string> Problems()
    {
        if (TickPeriod <= TimeSpan.Zero || TickPeriod > TimeSpan.FromSeconds(30)) yield return "TickPeriod must be more than 0 and at most 30 seconds, so that customers are woken within a minute";
        if (MaxWakesPerTick < 1) yield return "MaxWakesPerTick must be at least 1";
        if (MaxMinutesPerTick < 1) yield return "MaxMinutesPerTick must be at least 1";
        if (ConcurrentWakes < 1) yield return "ConcurrentWakes must be at least 1";
        if (ListFromMinutes < 1) yield return "ListFromMinutes must be at least 1";
    }
}

/// <summary>Refuses to start with wake-up options that do not make sense, saying each problem.</summary>
public sealed class WakeupOptionsValidator : IValidateOptions<WakeupOptions>
{
    public ValidateOptionsResult Validate(string? name, WakeupOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(problems.Select(problem => $"{WakeupOptions.Section}: {problem}"));
    }
}
