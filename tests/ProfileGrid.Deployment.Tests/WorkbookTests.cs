using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ProfileGrid.Testing;

namespace ProfileGrid.Deployment.Tests;

/// <summary>The ops workbook the Bicep deploys is a workbook, and every ProfileGrid instrument it charts is one the code creates.</summary>
public sealed partial class WorkbookTests
{
    private static readonly string Workbook = Path.Combine(RepoPaths.Root, "dashboards", "ops", "workbook.json");

    [Fact]
    public void Every_profilegrid_instrument_the_workbook_queries_exists_in_the_code()
    {
        var workbook = JsonNode.Parse(File.ReadAllText(Workbook))!.AsObject();
        Assert.Equal("Notebook/1.0", workbook["version"]!.GetValue<string>());
        var queries = workbook["items"]!.AsArray()
            .Select(item => item!["content"]?["query"]?.GetValue<string>())
            .OfType<string>()
            .ToList();
        var instruments = queries.SelectMany(query => InstrumentName().Matches(query).Select(match => match.Value)).Distinct().ToList();

        Assert.True(instruments.Count >= 6, string.Join(", ", instruments));
        var source = string.Join("\n", Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.All(instruments, instrument => Assert.Contains($"\"{instrument}\"", source, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"profilegrid\.[a-z_.]+[a-z]")]
    private static partial Regex InstrumentName();
}
