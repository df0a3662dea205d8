using System.Reflection;

namespace ProfileGrid.Testing;

/// <summary>Where the repository and the built app processes are, seen from a test assembly's output folder.</summary>
public static class RepoPaths
{
    private const string TargetFramework = "net10.0";

    /// <summary>The folder holding <c>ProfileGrid.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The build configuration of the running tests: the folder above <c>net10.0</c> in the test output path
    /// (<c>bin/Release/net10.0/</c>), or else the configuration this assembly was built in.
    /// </summary>
    public static string Configuration { get; } = FindConfiguration();

    /// <summary><c>src/ProfileGrid.Silo/bin/&lt;Configuration&gt;/net10.0/ProfileGrid.Silo.dll</c>.</summary>
    public static string SiloDll => AppDll("ProfileGrid.Silo");

    /// <summary><c>src/ProfileGrid.Gateway/bin/&lt;Configuration&gt;/net10.0/ProfileGrid.Gateway.dll</c>.</summary>
    public static string GatewayDll => AppDll("ProfileGrid.Gateway");

    /// <summary><c>node_modules/.bin/azurite</c> (table, blob and queue services), installed by <c>npm ci</c> in the repository root.</summary>
    public static string Azurite => Path.Combine(Root, "node_modules", ".bin", "azurite");

    /// <summary><c>TestResults/</c> in the repository root, created if missing.</summary>
    public static string TestResults => Directory.CreateDirectory(Path.Combine(Root, "TestResults")).FullName;

    /// <summary>The built dll of the app project <paramref name="project"/> under <c>src/</c>; throws if it was not built.</summary>
    public static string AppDll(string project)
    {
        var dll = Path.Combine(Root, "src", project, "bin", Configuration, TargetFramework, project + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException(
                $"{dll} is missing: build it first (`dotnet build src/{project} -c {Configuration}`); "
                + "the test project references it with ReferenceOutputAssembly=false so that a test build builds it.", dll);
        }

        return dll;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ProfileGrid.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No ProfileGrid.sln above {AppContext.BaseDirectory}: run the tests from inside the repository.");
    }

    private static string FindConfiguration()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        if (output.Name == TargetFramework && output.Parent is { Parent.Name: "bin" } configuration)
        {
            return configuration.Name;
        }

        return typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == "Configuration")?.Value ?? "Debug";
    }
}
