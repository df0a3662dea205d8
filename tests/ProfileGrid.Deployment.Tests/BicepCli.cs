using System.Diagnostics;
using System.Reflection;
using ProfileGrid.Testing;

namespace ProfileGrid.Deployment.Tests;

/// <summary>The Bicep CLI from the NuGet package <c>Azure.Bicep.CommandLine.linux-x64</c> (downloaded by the project).</summary>
internal static class BicepCli
{
    private static readonly Lazy<string> Executable = new(Find);

    public static string MainTemplate => Path.Combine(RepoPaths.Root, "infra", "main.bicep");

    /// <summary>Runs <c>bicep</c> with <paramref name="arguments"/>; its exit code, standard output and standard error.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(Executable.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
            // No telemetry and no look-ups of newer versions: these checks run offline.
            Environment = { ["BICEP_TRACING_ENABLED"] = "false", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" },
        };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private static string Find()
    {
        var package = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "BicepPackage").Value!;
        var executable = Path.Combine(package, "tools", "bicep");
        if (!File.Exists(executable)) throw new FileNotFoundException($"The Bicep CLI is not in {package}; restore the test project.", executable);
        // The package holds the Linux build; NuGet does not keep the executable bit of the files it extracts.
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("The Bicep CLI package the tests use is the linux-x64 build.");
        File.SetUnixFileMode(executable, File.GetUnixFileMode(executable) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return executable;
    }
}
