using System.Diagnostics;

namespace ProfileGrid.LoadGenerator;

/// <summary>
/// The CPU time the target process and the load generator itself spent over one measured phase, so that a run reports
/// the target's CPU per event next to its throughput: a heavier or lighter load generator on the same cores moves the
/// events per second a target reaches, not the CPU the target spends on each. Read from the operating system's account
/// of the whole process (every thread, user and kernel time) through <see cref="Process.TotalProcessorTime"/>.
/// </summary>
public sealed class CpuWindow
{
    private readonly Process? _target;
    private readonly TimeSpan _targetStart;
    private readonly TimeSpan _generatorStart;

    private CpuWindow(Process? target)
    {
        _target = target;
        _targetStart = target is null ? TimeSpan.Zero : Cpu(target);
        _generatorStart = Cpu(Process.GetCurrentProcess());
    }

    /// <summary>Starts the window; <paramref name="targetPid"/> null measures only the load generator.</summary>
    public static CpuWindow Start(int? targetPid) =>
        new(targetPid is { } pid ? Process.GetProcessById(pid) : null);

    /// <summary>The CPU seconds spent since <see cref="Start"/>: the target's (null when none was named) and the generator's.</summary>
    /// <remarks>A target that exited during the window has no figure (its CPU time is no longer there to read).</remarks>
    public (double? Target, double Generator) Stop()
    {
        var generator = (Cpu(Process.GetCurrentProcess()) - _generatorStart).TotalSeconds;
        if (_target is null) return (null, generator);
        using (_target)
        {
            try
            {
                return ((Cpu(_target) - _targetStart).TotalSeconds, generator);
            }
            catch (InvalidOperationException)
            {
                return (null, generator);
            }
        }
    }

    /// <summary>Whether a process with this id runs now (checked before a run, so that a wrong id fails at once).</summary>
    public static bool Exists(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static TimeSpan Cpu(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }
}
