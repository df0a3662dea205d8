using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ProfileGrid.Hosting;

/// <summary>
/// Runs a process's entry point so that a setting out of range ends it with one line on standard error that names the
/// setting and its range (exit code <see cref="BadSettingExitCode"/>), instead of a stack trace, a crash later on, or
/// an abort that names nothing.
/// </summary>
public static class StartupChecks
{
    public const int BadSettingExitCode = 78; // EX_CONFIG (sysexits.h)

    /// <summary>Runs <paramref name="main"/>; a bad setting, found while building the host or checking its options, ends it with one line.</summary>
    public static int Run(Action main)
    {
        try
        {
            main();
            return 0;
        }
        catch (Exception exception) when (Failures(exception) is { Count: > 0 } failures)
        {
            Console.Error.WriteLine($"ProfileGrid cannot start: {string.Join(" ", failures)}");
            return BadSettingExitCode;
        }
    }

    /// <summary>
    /// Checks every option registered to be checked at start, before the host starts: the host's own check comes as
    /// it starts, after it has logged the failure with a stack trace.
    /// </summary>
    public static void CheckOptions(this IHost host) => host.Services.GetService<IStartupValidator>()?.Validate();

    /// <summary>What a failure says about settings: options out of range, or a value the binder could not read (it names the key); else nothing.</summary>
    private static List<string> Failures(Exception exception) => exception switch
    {
        OptionsValidationException options => [.. options.Failures],
        AggregateException aggregate when aggregate.InnerExceptions.Select(Failures).ToList() is var each && each.All(failures => failures.Count > 0) =>
            [.. each.SelectMany(failures => failures)],
        InvalidOperationException { InnerException: not null } binding when binding.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            [binding.Message],
        _ => [],
    };
}
