using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ProfileGrid.Settings;

/// <summary>
/// Options bound from one configuration section that can say which of their settings are out of range. Every
/// ProfileGrid options class is one, so that a bad setting stops the process at start with a line that names the
/// setting's full path (<c>ProfileGrid:Realtime:RenewPeriod</c>) and the range it must be in, rather than failing
/// later, somewhere else, or not at all.
/// </summary>
/// <remarks>
/// Hand-written checks rather than data annotations and the options validation source generator: several checks
/// relate settings to each other or to a constant elsewhere (a tier table in ascending order, a renewal period under the
/// grains' subscription lifetime, two ports that differ), and each message names the full configuration path and the
/// value given, which the annotations' messages (the member's name only) do not.
/// </remarks>
public interface ICheckedOptions
{
    /// <summary>The configuration section the options bind from, e.g. <c>ProfileGrid:Realtime</c>.</summary>
    static abstract string SectionPath { get; }

    /// <summary>Each setting out of range, as "<c>Name must be …, not value.</c>" with the name relative to the section; none when all are fine.</summary>
    IEnumerable<string> Problems();
}

/// <summary>Fails the options with every problem they name, each prefixed with the section's path.</summary>
public sealed class CheckedOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class, ICheckedOptions
{
    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        CheckedOptions.Failures(options) is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
}

public static class CheckedOptions
{
    /// <summary>Binds <typeparamref name="TOptions"/> to its section and checks it when the host starts (before any service runs).</summary>
    public static OptionsBuilder<TOptions> AddCheckedOptions<TOptions>(this IServiceCollection services)
        where TOptions : class, ICheckedOptions
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, CheckedOptionsValidator<TOptions>>());
        return services.AddOptions<TOptions>().BindConfiguration(TOptions.SectionPath).ValidateOnStart();
    }

    /// <summary>
    /// Binds and checks options that decide how the host is built (its storage, cluster and endpoints), so they are read
    /// before the host exists: throws <see cref="OptionsValidationException"/> naming every problem.
    /// </summary>
    public static TOptions GetChecked<TOptions>(this IConfiguration configuration)
        where TOptions : class, ICheckedOptions, new()
    {
        var options = configuration.GetSection(TOptions.SectionPath).Get<TOptions>() ?? new TOptions();
        Check(options);
        return options;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> naming every problem of <paramref name="options"/>.</summary>
    public static void Check<TOptions>(TOptions options)
        where TOptions : class, ICheckedOptions
    {
        var failures = Failures(options);
        if (failures.Count > 0) throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), failures);
    }

    /// <summary>The problems of <paramref name="options"/>, each naming the setting's full path.</summary>
    public static List<string> Failures<TOptions>(TOptions options)
        where TOptions : ICheckedOptions => [.. options.Problems().Select(problem => $"{TOptions.SectionPath}:{problem}")];

    /// <summary>"a to b" for a range of durations, in the units a person would write them in.</summary>
    public static string Range(TimeSpan low, TimeSpan high) => $"{Describe(low)} to {Describe(high)}";

    /// <summary>A duration as a person would write it: 200 ms, 30 s, 10 min, 1 h.</summary>
    public static string Describe(TimeSpan value)
    {
        var (amount, unit) = value.Ticks % TimeSpan.TicksPerHour == 0 && value != TimeSpan.Zero ? (value.TotalHours, "h")
            : value.Ticks % TimeSpan.TicksPerMinute == 0 && value != TimeSpan.Zero ? (value.TotalMinutes, "min")
            : value.Ticks % TimeSpan.TicksPerSecond == 0 ? (value.TotalSeconds, "s")
            : (value.TotalMilliseconds, "ms");
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{amount:0.###} {unit}");
    }

    /// <summary>A problem line when <paramref name="value"/> is outside <paramref name="low"/>..<paramref name="high"/> (both included).</summary>
    public static string? Within(string name, TimeSpan value, TimeSpan low, TimeSpan high) =>
        value < low || value > high ? $"{name} must be {Range(low, high)}, not {value}." : null;

    /// <summary>A problem line when <paramref name="value"/> is outside <paramref name="low"/>..<paramref name="high"/> (both included).</summary>
    public static string? Within(string name, long value, long low, long high) =>
        value < low || value > high
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} must be {low} to {high}, not {value}.")
            : null;
}
