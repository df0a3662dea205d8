using System.Globalization;
using System.Text;
using ProfileGrid.LoadGenerator;

namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// Writes <c>docs/benchmarks.md</c> from one run's results: the machine, the commands, the goals of issue 8 with
/// each figure, its reference and the ratio (met or missed), every figure measured, and the plots.
/// </summary>
internal sealed class BenchmarkReport(ToolArgs args)
{
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly string _results = args.Text("results");

    public RunResult? Write()
    {
        var images = args.Text("images");
        var output = args.Text("out");
        Directory.CreateDirectory(images);
        var relative = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(output))!, Path.GetFullPath(images));
        var plots = new BenchmarkPlots(Load, images);
        var written = plots.WriteAll();

        var md = new StringBuilder();
        md.AppendLine("# Benchmarks").AppendLine();
        md.AppendLine(Read("header.md"));
        md.AppendLine("## The machine and the run").AppendLine();
        md.AppendLine(Read("machine.md"));
        md.AppendLine("## Goals of issue 8").AppendLine();
        md.AppendLine("Ratios are taken between runs of the same invocation of `./scripts/bench.sh`, back to back, so the");
        md.AppendLine("machine's noise (other engineers build and test on the same 2 cores) touches both sides alike.").AppendLine();
        md.AppendLine("| scenario | ProfileGrid | reference | ratio | goal | |");
        md.AppendLine("|---|---|---|---|---|---|");
        var misses = new List<string>();
        foreach (var goal in Scenarios.Goals) GoalRow(md, goal, misses);
        var memory = MemoryFigures.Load(_results);
        memory.GoalRow(md, misses);
        md.AppendLine();
        if (misses.Count > 0)
        {
            md.AppendLine("Why the misses (what the measurements and the code say):").AppendLine();
            foreach (var miss in misses) md.AppendLine("- " + miss);
            md.AppendLine();
        }

        CpuGoal.Section(md, Load);
        md.AppendLine("## Every figure").AppendLine();
        md.AppendLine("Memory storage; the same load (closed loop, the same connections, customers drawn uniformly, the event mix of");
        md.AppendLine("`EventMix`) against each target back to back. Events/s count events the target accepted; latency is per request;");
        md.AppendLine("CPU is the target process's own, per event accepted.").AppendLine();
        md.AppendLine("| scenario | target | events/s | requests/s | p50 ms | p95 ms | p99 ms | max ms | errors | CPU µs/event | ratio to floor | ratio to no-op |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, _, _) in Scenarios.Memory)
        {
            var floor = Load(name + ".floor");
            var noop = Load(name + ".noop");
            foreach (var target in new[] { "noop", "floor", "memory" })
            {
                var result = Load($"{name}.{target}");
                if (result is null) continue;
                md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {TargetName(target)} | {Figures(result)} | {CpuGoal.PerEvent(result)} | {Ratio(result, floor)} | {Ratio(result, noop)} |");
            }
        }

        md.AppendLine().AppendLine("Durable (Azure Tables on Azurite, one fresh Azurite for the run) and live push; CPU is the gateway's alone (not Azurite's):").AppendLine();
        md.AppendLine("| run | what | events/s | requests/s | p50 ms | p95 ms | p99 ms | max ms | errors | CPU µs/event |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, what) in new[]
                 {
                     ("raw-single", "raw Azurite: single upserts (entities/s)"), ("raw-batch", "raw Azurite: 100-entity transactions (entities/s)"),
                     ("batch100-100k.azurite", "ProfileGrid on Azurite: batches of 100 over 100,000 customers"),
                     ("single-hot.azurite", "ProfileGrid on Azurite: one hot customer, single events"),
                     ("history-hot.memory", "ProfileGrid in memory: the hot customer after its history"),
                     ("push-rest", "push latency at rest (events/s = pushes received)"),
                     ("push-load-ingest", "the ingest load during push-load (open loop)"),
                     ("push-load", "push latency under that load"),
                     ("exclusion-ingest", "the ingest load during the exclusion checks (open loop)"),
                     ("exclusion-1", "real-time exclusion under that load: one id per GET /v1/segments/{name}/members/{id} (events/s = ids checked)"),
                     ("exclusion-100", "real-time exclusion under that load: 100 ids per POST /v1/segments/{name}/check"),
                 })
        {
            if (Load(name) is { } result) md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {what} | {Figures(result)} | {CpuGoal.PerEvent(result)} |");
        }

        memory.Section(md);
        if ((Load("history-preload") ?? Load("history-hot.memory"))?.Preload is { } preload)
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture,
                $"History: {preload.Events:N0} events were sent to the hot customer first, in batches of 1,000, at {preload.EventsPerSecond:N0} events/s ({preload.Seconds:N0} s, {preload.Errors} errors), before the target's warm-up; its measured run follows the fresh hot customer's.");
        }

        // Sections other benchmarks wrote whole (scripts/bench-members.sh): each as it is, in name order.
        foreach (var section in Directory.GetFiles(_results, "section-*.md").Order(StringComparer.Ordinal))
        {
            md.AppendLine().AppendLine(File.ReadAllText(section).TrimEnd());
        }

        md.AppendLine().AppendLine("## Plots").AppendLine();
        foreach (var (file, caption) in written) md.AppendLine(CultureInfo.InvariantCulture, $"![{caption}]({(relative == "." ? file : relative + "/" + file)})").AppendLine();
        md.AppendLine("## The commands").AppendLine();
        md.AppendLine("`loadgen` is `dotnet src/ProfileGrid.LoadGenerator/bin/Release/net10.0/ProfileGrid.LoadGenerator.dll`, `tools` is");
        md.AppendLine("`dotnet tests/ProfileGrid.Benchmarks.Tools/bin/Release/net10.0/ProfileGrid.Benchmarks.Tools.dll`, `memory` is");
        md.AppendLine("`dotnet tests/ProfileGrid.Benchmarks.Memory/bin/Release/net10.0/ProfileGrid.Benchmarks.Memory.dll`; ports and process ids are those of this run.").AppendLine();
        md.AppendLine("```");
        foreach (var file in Directory.GetFiles(_results, "*.json").OrderBy(File.GetLastWriteTimeUtc))
        {
            var result = RunResult.Read(file);
            var tool = result.Tool switch
            {
                _ when result.Tool.StartsWith("ProfileGrid.LoadGenerator", StringComparison.Ordinal) => "loadgen",
                "ProfileGrid.Benchmarks.Memory" => "memory",
                _ => "tools",
            };
            md.AppendLine((tool + " " + string.Join(' ', result.Args.Select(Quote))).Replace(AzuriteKey, "<Azurite's well-known key>", StringComparison.Ordinal));
        }

        md.AppendLine("```").AppendLine();
        md.AppendLine(Read("footer.md"));
        File.WriteAllText(output, md.ToString().TrimEnd() + Environment.NewLine);
        Console.Error.WriteLine($"wrote {output} and {written.Count} plots in {images}");
        return null;
    }

    private void GoalRow(StringBuilder md, Scenario goal, List<string> misses)
    {
        var subject = Load(goal.Subject);
        if (subject is null)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {goal.Title} | not run | | | {goal.GoalText} | not measured |");
            return;
        }

        bool met;
        if (goal.IsLatency)
        {
            met = subject.LatencyMs.P99 <= goal.Goal && subject.ErrorCount == 0 && subject.Events > 0;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {goal.Title} | p50 {subject.LatencyMs.P50:0.0} ms, p99 {subject.LatencyMs.P99:0.0} ms (n = {subject.Events:N0}, {subject.ErrorCount} missed) | | | {goal.GoalText} | {(met ? "**met**" : "**missed**")} |");
        }
        else
        {
            var reference = Load(goal.Reference);
            if (reference is null || reference.EventsPerSecond <= 0)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {goal.Title} | {subject.EventsPerSecond:N0} ev/s | not run | | {goal.GoalText} | not measured |");
                return;
            }

            var ratio = subject.EventsPerSecond / reference.EventsPerSecond;
            met = ratio >= goal.Goal && subject.ErrorCount == 0;
            var unit = goal.Reference.StartsWith("raw", StringComparison.Ordinal) ? "entities/s" : "ev/s";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {goal.Title} | {subject.EventsPerSecond:N0} ev/s (p99 {subject.LatencyMs.P99:N0} ms) | {reference.EventsPerSecond:N0} {unit}: {goal.ReferenceName} | {ratio:0.00} | {goal.GoalText} | {(met ? "**met**" : "**missed**")} |");
        }

        if (!met) misses.Add($"**{goal.Title}**: {goal.WhyMissed}" + (subject.ErrorCount > 0 ? $" ({subject.ErrorCount:N0} errors in the run.)" : ""));
    }

    private RunResult? Load(string name)
    {
        var file = Path.Combine(_results, name + ".json");
        return File.Exists(file) ? RunResult.Read(file) : null;
    }

    private string Read(string name)
    {
        var file = Path.Combine(_results, name);
        return File.Exists(file) ? File.ReadAllText(file).TrimEnd() + Environment.NewLine : "";
    }

    private static string TargetName(string target) => target switch
    {
        "noop" => "no-op endpoint",
        "floor" => "Orleans floor",
        _ => "ProfileGrid (memory)",
    };

    private static string Figures(RunResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.EventsPerSecond:N0} | {r.RequestsPerSecond:N0} | {r.LatencyMs.P50:0.0} | {r.LatencyMs.P95:0.0} | {r.LatencyMs.P99:0.0} | {r.LatencyMs.Max:0.0} | {Errors(r)}");

    private static string Errors(RunResult r) => r.ErrorCount == 0
        ? "0"
        : string.Join(", ", r.Errors.Select(e => $"{e.Value:N0}× {e.Key}"));

    private static string Ratio(RunResult subject, RunResult? reference) =>
        reference is null || reference.EventsPerSecond <= 0 ? "" : (subject.EventsPerSecond / reference.EventsPerSecond).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Quote(string arg) => arg.Contains(' ', StringComparison.Ordinal) || arg.Contains(';', StringComparison.Ordinal) ? $"'{arg}'" : arg;
}
