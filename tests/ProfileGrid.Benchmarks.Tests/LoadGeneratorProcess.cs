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

    public static Task<string> RunAsync(params string[] args) => ToolProcess.RunAsync("The load generator", "dotnet", [Dll, .. args], Limit);
}
