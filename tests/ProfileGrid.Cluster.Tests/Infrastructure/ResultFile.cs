using System.Globalization;
using ProfileGrid.Testing;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>Measured failover figures, one line per test run, in <c>TestResults/failover.txt</c> of the repository.</summary>
internal static class ResultFile
{
    private static readonly Lock Gate = new();

    public static string Path => System.IO.Path.Combine(RepoPaths.TestResults, "failover.txt");

    public static void Append(ITestOutputHelper output, string test, string line)
    {
        var entry = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {RepoPaths.Configuration} {test}: {line}");
        output.WriteLine(entry);
        lock (Gate)
        {
            File.AppendAllLines(Path, [entry]);
        }
    }
}
