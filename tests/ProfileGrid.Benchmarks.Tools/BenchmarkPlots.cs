using ProfileGrid.LoadGenerator;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// The report's plots as PNG files (ScottPlot, rendered through SkiaSharp): throughput against batch size and against
/// customers for the no-op endpoint, the Orleans floor and ProfileGrid; the latency distribution of the main runs.
/// Both axes of each plot are logarithmic (values are plotted as log10 with labelled ticks).
/// </summary>
internal sealed class BenchmarkPlots(Func<string, RunResult?> load, string folder)
{
    private static readonly (string Target, string Name)[] Targets = [("noop", "no-op endpoint"), ("floor", "Orleans floor"), ("memory", "ProfileGrid (memory)")];

    public List<(string File, string Caption)> WriteAll()
    {
        var written = new List<(string, string)>();
        if (Throughput("bench-throughput-batch.png", "Events/s against batch size (1,000 customers)", "events per request",
                [(1, "single-1k"), (10, "batch10-1k"), (100, "batch100-1k"), (1000, "batch1000-1k")]))
        {
            written.Add(("bench-throughput-batch.png", "Events per second against batch size, 1,000 customers"));
        }

        if (Throughput("bench-throughput-customers.png", "Events/s against customers (batches of 100)", "customers",
                [(1, "batch100-hot"), (1000, "batch100-1k"), (100_000, "batch100-100k")]))
        {
            written.Add(("bench-throughput-customers.png", "Events per second against the customer population, batches of 100"));
        }

        if (Latency("bench-latency.png"))
        {
            written.Add(("bench-latency.png", "Latency distribution: request latency of the main runs and post-to-push latency"));
        }

        return written;
    }

    private bool Throughput(string file, string title, string xLabel, (double X, string Scenario)[] points)
    {
        var plot = new Plot();
        var any = false;
        foreach (var (target, name) in Targets)
        {
            var series = points.Select(p => (p.X, Result: load($"{p.Scenario}.{target}"))).Where(p => p.Result is { EventsPerSecond: > 0 }).ToArray();
            if (series.Length == 0) continue;
            var scatter = plot.Add.Scatter(series.Select(p => Math.Log10(p.X)).ToArray(), series.Select(p => Math.Log10(p.Result!.EventsPerSecond)).ToArray());
            scatter.LegendText = name;
            scatter.MarkerSize = 8;
            any = true;
        }

        if (!any) return false;
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("events per second");
        plot.Axes.Bottom.TickGenerator = Ticks(points.Select(p => p.X));
        plot.Axes.Left.TickGenerator = Ticks(Enumerable.Range(0, 8).Select(e => Math.Pow(10, e)));
        plot.ShowLegend(Edge.Right);
        plot.SavePng(Path.Combine(folder, file), 1000, 500);
        return true;
    }

    private bool Latency(string file)
    {
        (string Name, string Label)[] runs =
        [
            ("batch100-1k.noop", "no-op, batches of 100"), ("batch100-1k.floor", "floor, batches of 100"),
            ("batch100-1k.memory", "ProfileGrid memory, batches of 100"), ("single-1k.memory", "ProfileGrid memory, single events"),
            ("batch100-100k.azurite", "ProfileGrid Azurite, batches of 100"), ("push-rest", "push at rest"), ("push-load", "push under load"),
        ];
        var plot = new Plot();
        var any = false;
        foreach (var (name, label) in runs)
        {
            if (load(name) is not { Percentiles.Length: > 0 } result) continue;
            var points = result.Percentiles.Where(p => p.Ms > 0).ToArray();
            var scatter = plot.Add.Scatter(points.Select(p => Nines(p.Percentile)).ToArray(), points.Select(p => Math.Log10(p.Ms)).ToArray());
            scatter.LegendText = label;
            any = true;
        }

        if (!any) return false;
        plot.Title("Latency distribution");
        plot.XLabel("percentile");
        plot.YLabel("milliseconds");
        var x = new NumericManual();
        foreach (var (p, label) in new[] { (0.0, "p0"), (90, "p90"), (99, "p99"), (99.9, "p99.9"), (99.99, "p99.99"), (100, "max") }) x.AddMajor(Nines(p), label);
        plot.Axes.Bottom.TickGenerator = x;
        plot.Axes.Left.TickGenerator = Ticks([0.1, 1, 10, 100, 1000, 10_000]);
        plot.ShowLegend(Edge.Right);
        plot.SavePng(Path.Combine(folder, file), 1100, 560);
        return true;
    }

    /// <summary>0 for p0, 1 for p90, 2 for p99, ... and 5 for the maximum.</summary>
    private static double Nines(double percentile) => percentile >= 100 ? 5 : Math.Min(5, -Math.Log10(1 - percentile / 100));

    private static NumericManual Ticks(IEnumerable<double> values)
    {
        var ticks = new NumericManual();
        foreach (var value in values) ticks.AddMajor(Math.Log10(value), value.ToString("#,0.##", System.Globalization.CultureInfo.InvariantCulture));
        return ticks;
    }
}
