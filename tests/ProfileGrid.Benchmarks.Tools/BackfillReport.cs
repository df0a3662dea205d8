using System.Globalization;
using System.Text;
using ProfileGrid.LoadGenerator;

namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// Writes the Markdown section of <c>scripts/bench-backfill.sh</c> from its results (<c>--results</c>): the population,
/// the back-fill's time and rate, and the live ingest rate during the back-fill against the same load just before the
/// definition and just after the back-fill.
/// </summary>
internal sealed class BackfillReport(ToolArgs args)
{
    public RunResult? Write()
    {
        var results = args.Text("results");
        var populate = RunResult.Read(Path.Combine(results, "populate.json"));
        var before = RunResult.Read(Path.Combine(results, "ingest-before.json"));
        var during = RunResult.Read(Path.Combine(results, "ingest-during.json"));
        var after = RunResult.Read(Path.Combine(results, "ingest-after.json"));
        var backfill = BackfillResult.Read(Path.Combine(results, "backfill.json"));
        var (loadStart, loadEnd) = (long.Parse(args.Text("load-start"), CultureInfo.InvariantCulture), long.Parse(args.Text("load-end"), CultureInfo.InvariantCulture));
        var backfillEnd = backfill.DefinedAtUnixMs + (long)(backfill.Seconds * 1000);

        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## Back-fill of a new segment over {populate.Customers:N0} stored customers").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $$"""
            Written by `{{args.Text("command")}}` (`./scripts/bench.sh` runs it with 1,000,000 customers, `--quick` with
            20,000); {{args.Text("run")}}. A gateway of its own (memory storage, co-hosted silo; the sweep's
            settings: {{args.Text("sweep")}}) is given {{populate.Customers:N0}} customers, one event each of the load
            generator's mix ({{populate.Events:N0}} events in {{populate.DurationSeconds:N0}} s, {{populate.EventsPerSecond:N0}} customers/s, {{Errors(populate)}}); then a
            segment is defined over them, and while it is back-filled the load generator ingests live traffic (its own
            process: batches of 100 over 1,000 other customers, closed loop, {{during.Concurrency}} connections,
            {{during.DurationSeconds:0}} s measured after {{during.WarmupSeconds:0}} s of warm-up), against the same load just before the definition
            and just after the back-fill.
            {{Settled(args.Int("settle", 0))}}
            """).AppendLine();
        md.AppendLine("| | |").AppendLine("|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| segment | `{backfill.Rule}`: {backfill.Members:N0} members |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| back-fill, from the definition to done | **{backfill.Seconds:N1} s**: {backfill.Visited:N0} customers visited, **{backfill.CustomersPerSecond:N0} customers/s** ({backfill.State}{(backfill.Error is null ? "" : ": " + backfill.Error)}) |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| back-fill rate while the live ingest was measured / after it | {backfill.RateBetween(loadStart, loadEnd):N0} customers/s / {(backfillEnd > loadEnd + 5000 ? backfill.RateBetween(loadEnd, backfillEnd).ToString("N0", CultureInfo.InvariantCulture) + " customers/s" : "(done by then)")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| live ingest just before the definition | {Ingest(before)} |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| live ingest during the back-fill | {Ingest(during)}: **{during.EventsPerSecond / before.EventsPerSecond:0.00}** of the rate before, **{during.EventsPerSecond / after.EventsPerSecond:0.00}** of the rate after |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| live ingest just after the back-fill | {Ingest(after)} |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| `GET /healthz` during the back-fill | p50 {backfill.HealthMs.P50:0.0} ms, p99 {backfill.HealthMs.P99:0.0} ms, max {backfill.HealthMs.Max:0.0} ms (n = {backfill.HealthMs.Count:N0}) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| the gateway's resident memory | {args.Text("rss-stored")} with the customers stored, {args.Text("rss-after")} after the back-fill |");
        md.AppendLine();
        if (backfillEnd < loadEnd)
            md.AppendLine("**The back-fill ended before the measured live load did**, so the rate during it is partly a rate without it: run more customers.").AppendLine();
        md.AppendLine("```").AppendLine(File.ReadAllText(Path.Combine(results, "commands.txt")).TrimEnd()).AppendLine("```");

        var output = args.Text("out");
        File.WriteAllText(output, md.ToString());
        Console.Error.WriteLine($"wrote {output}");
        return null;
    }

    private static string Settled(int seconds) => seconds > 0
        ? $"The gateway collects activations idle for a minute (`ProfileGrid:GrainCollection:CollectionAge`) and the script waits {seconds} s after storing the customers, so the back-fill meets idle customers: each visit activates one and reads it from storage, and lets it go again unless it has an announcement to send."
        : "The customers are still active from being stored (`--settle 0`): each visit finds its customer in memory.";

    private static string Ingest(RunResult run) => string.Create(CultureInfo.InvariantCulture,
        $"{run.EventsPerSecond:N0} events/s (p50 {run.LatencyMs.P50:0.0} ms, p99 {run.LatencyMs.P99:0.0} ms, {Errors(run)})");

    private static string Errors(RunResult run) => run.ErrorCount == 0 ? "0 errors" : string.Join(", ", run.Errors.Select(e => $"{e.Value:N0}× {e.Key}"));
}
