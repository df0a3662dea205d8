using ProfileGrid.Testing;

namespace ProfileGrid.Benchmarks.Tests;

/// <summary>Runs the built load generator (or another of the suite's tools) as the suite does (<c>dotnet ProfileGrid.LoadGenerator.dll ...</c>) and returns its stdout.</summary>
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

    public static Task<string> RunAsync(params string[] args) => RunDllAsync(Dll, Limit, args);

    /// <summary>Runs a built tool (<c>dotnet {dll} ...</c>) for at most <paramref name="limit"/> and returns its stdout; a non-zero exit throws.</summary>
    public static Task<string> RunDllAsync(string dll, TimeSpan limit, params string[] args) =>
        ToolProcess.RunAsync(Path.GetFileName(dll), "dotnet", [dll, .. args], limit);
}
