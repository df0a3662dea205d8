using System.Text.RegularExpressions;
using ProfileGrid.Testing;

namespace ProfileGrid.Deployment.Tests;

/// <summary>The README stays true where it can be checked: its layout names every folder, its figures are the report's.</summary>
public sealed partial class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));

    [Theory]
    [InlineData("ProfileGrid.Gateway")]
    [InlineData("ProfileGrid.Grains")]
    public void The_layout_names_every_folder_of_the_project(string project)
    {
        var layout = Section("Layout");
        var folders = Directory.GetDirectories(Path.Combine(RepoPaths.Root, "src", project))
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj" or "Properties"))
            .Order(StringComparer.Ordinal);

        Assert.All(folders, folder => Assert.Contains($"`{folder}/`", layout, StringComparison.Ordinal));
    }

    [Fact]
    public void The_memory_per_customer_is_the_benchmark_reports()
    {
        var report = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "benchmarks.md"));
        var measured = ReportedActivation().Match(report);
        Assert.True(measured.Success, "docs/benchmarks.md has no \"the activation\" row");

        var row = Assert.Single(Section("Measured figures").Split('\n'), line => line.StartsWith("| memory per activated customer", StringComparison.Ordinal));
        var cells = row.Split('|', StringSplitOptions.TrimEntries);
        Assert.StartsWith(measured.Groups["bytes"].Value + " B ", cells[2], StringComparison.Ordinal);
    }

    private static string Section(string title)
    {
        var start = Readme.IndexOf($"\n## {title}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no section \"{title}\"");
        var end = Readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? Readme[start..] : Readme[start..end];
    }

    [GeneratedRegex(@"\| \*\*the activation\*\* \(heap growth less the storage's copy\) \| \*\*(?<bytes>[\d,]+) B")]
    private static partial Regex ReportedActivation();
}
