using System.Diagnostics;
using System.Text;
using ProfileGrid.Testing;

namespace ProfileGrid.Benchmarks.Tests;

/// <summary>Runs the built load generator as the suite does (<c>dotnet ProfileGrid.LoadGenerator.dll ...</c>) and returns its stdout.</summary>
internal static class LoadGeneratorProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static string Dll => Built(Path.Combine(RepoPaths.Root, "src", "ProfileGrid.LoadGenerator"), "ProfileGrid.LoadGenerator");

    /// <summary>The built dll of a project folder in the tests' configuration.</summary>
    public static string Built(string projectFolder, string name)
    {
        var dll = Path.Combine(projectFolder, "bin", RepoPaths.Configuration, "net10.0", name + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is missing: build the solution first.", dll);
    }

    public static async Task<string> RunAsync(params string[] args)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Dll);
        foreach (var arg in args) startInfo.ArgumentList.Add(arg);
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start the load generator.");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The load generator ran longer than {Limit}: {stderr}");
        }

        var output = await stdout;
        lock (stderr)
        {
            return process.ExitCode == 0
                ? output
                : throw new InvalidOperationException($"The load generator exited with {process.ExitCode}: {stderr}{output}");
        }
    }
}
