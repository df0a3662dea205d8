using System.Diagnostics;
using System.Text;

namespace ProfileGrid.Benchmarks.Tests;

/// <summary>Runs one of the suite's tools or scripts as a process of its own and returns its stdout; a timeout or a failing exit throws with its stderr.</summary>
internal static class ToolProcess
{
    public static async Task<string> RunAsync(string name, string fileName, IEnumerable<string> args, TimeSpan limit, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var arg in args) startInfo.ArgumentList.Add(arg);
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {name}.");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name} ran longer than {limit}: {stderr}");
        }

        var output = await stdout;
        lock (stderr)
        {
            return process.ExitCode == 0
                ? output
                : throw new InvalidOperationException($"{name} exited with {process.ExitCode}: {stderr}{output}");
        }
    }
}
