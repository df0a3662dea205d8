using ProfileGrid.Testing;

namespace ProfileGrid.Benchmarks.Tests;

/// <summary>
/// <c>scripts/bench-backfill.sh</c> at its smoke size (20,000 stored customers, 2 s of live load): it runs to the end
/// and puts its section where an earlier run's was, leaving the rest of the file. It checks what the section says,
/// never how fast anything was.
/// </summary>
public sealed class BackfillBenchmarkSmokeTests(ITestOutputHelper output)
{
    private const string Begin = "<!-- bench-backfill: written by scripts/bench-backfill.sh -->";
    private const string End = "<!-- bench-backfill: end -->";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task The_backfill_benchmark_writes_its_section_in_place_of_the_earlier_one()
    {
        var folder = Directory.CreateTempSubdirectory("bench-backfill-").FullName;
        var report = Path.Combine(folder, "benchmarks.md");
        await File.WriteAllTextAsync(report, $"# Benchmarks\n\nbefore\n{Begin}\nan earlier run's section\n{End}\n\nafter\n");

        await RunAsync("--no-build", "--customers", "20000", "--duration", "2", "--settle", "0", "--out", report, "--results", Path.Combine(folder, "results"));

        var text = await File.ReadAllTextAsync(report);
        output.WriteLine(text);
        Assert.StartsWith($"# Benchmarks\n\nbefore\n{Begin}\n## Back-fill of a new segment over 20,000 stored customers\n", text, StringComparison.Ordinal);
        Assert.EndsWith($"{End}\n\nafter\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("an earlier run's section", text, StringComparison.Ordinal);
        Assert.Contains("is given 20,000 customers, one event each of the load generator's mix (20,000 events in", text.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Matches(@"\| back-fill, from the definition to done \| \*\*[0-9.,]+ s\*\*: [0-9,]+ customers visited, \*\*[0-9,]+ customers/s\*\* \(done\) \|", text);
        Assert.Matches(@"\| live ingest during the back-fill \| [0-9,]+ events/s \(p50 [0-9.]+ ms, p99 [0-9.]+ ms, 0 errors\): \*\*[0-9.]+\*\* of the rate before, \*\*[0-9.]+\*\* of the rate after \|", text);
        Assert.Contains("tools backfill --url http://127.0.0.1:", text, StringComparison.Ordinal);
    }

    private static Task<string> RunAsync(params string[] args) =>
        ToolProcess.RunAsync("scripts/bench-backfill.sh", "bash", [Path.Combine(RepoPaths.Root, "scripts", "bench-backfill.sh"), .. args], Limit, RepoPaths.Root);
}
