using System.Diagnostics;
using System.Globalization;

namespace ProfileGrid.Testing;

/// <summary>Starting, signalling and killing the child processes of a test, with their output in a <see cref="ProcessLog"/>.</summary>
internal static class ChildProcess
{
    public static Process Start(ProcessStartInfo startInfo, ProcessLog log)
    {
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => log.Add("out", e.Data);
        process.ErrorDataReceived += (_, e) => log.Add("err", e.Data);
        try
        {
            if (!process.Start())
            {
                throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
            }
        }
        catch
        {
            process.Dispose();
            throw;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        log.Add("test", string.Create(CultureInfo.InvariantCulture,
            $"started pid {process.Id}: {startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)}"));
        return process;
    }

    /// <summary>Sends a POSIX signal (<c>TERM</c>, <c>INT</c>) through <c>kill</c>; false if the process is gone.</summary>
    public static bool Signal(Process process, string signal)
    {
        if (HasExited(process))
        {
            return false;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { "-" + signal, process.Id.ToString(CultureInfo.InvariantCulture) },
            UseShellExecute = false,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("Could not run kill.");
        kill.WaitForExit();
        return kill.ExitCode == 0;
    }

    /// <summary>SIGKILLs the process and everything it started, and waits until it is gone.</summary>
    public static void Kill(Process process, ProcessLog log)
    {
        if (HasExited(process))
        {
            return;
        }

        try
        {
            process.Kill(entireProcessTree: true);
            log.Add("test", "killed (SIGKILL)");
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    /// <summary>Signals the process and waits up to <paramref name="timeout"/> for it to exit; kills it if it does not.</summary>
    public static async Task<bool> SignalAndWaitAsync(Process process, string signal, TimeSpan timeout, ProcessLog log)
    {
        if (HasExited(process))
        {
            return true;
        }

        log.Add("test", "sending SIG" + signal);
        Signal(process, signal);
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(wait.Token);
            log.Add("test", string.Create(CultureInfo.InvariantCulture, $"exited with code {process.ExitCode} after SIG{signal}"));
            return true;
        }
        catch (OperationCanceledException)
        {
            log.Add("test", string.Create(CultureInfo.InvariantCulture, $"still running {timeout.TotalSeconds:0}s after SIG{signal}"));
            Kill(process, log);
            return false;
        }
    }

    /// <summary>
    /// Waits (up to 10 s) until the output of a process that has exited is read to its end: <see cref="Process.HasExited"/>
    /// turns true before the handlers have seen its last lines.
    /// </summary>
    public static async Task OutputReadAsync(Process process)
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            // With redirected output read asynchronously, this also waits for the end of both streams.
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            // A grandchild still holds the pipes open: report what was read.
        }
    }

    public static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}
