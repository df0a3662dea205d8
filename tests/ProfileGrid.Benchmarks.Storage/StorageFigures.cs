using System.Globalization;
using System.Text;

namespace ProfileGrid.Benchmarks.Storage;

/// <summary>One storage's run: its writes, how long they took, its table requests (null where one write is one request), and the bytes of each write of a customer.</summary>
internal sealed record StorageRun(string Name, int Writes, TimeSpan Elapsed, long? Requests, int[] Bytes)
{
    public double WritesPerSecond => Writes / Elapsed.TotalSeconds;
}

/// <summary>The two runs side by side, as a markdown section.</summary>
internal sealed record StorageFigures(StorageOptions Options, IReadOnlyList<StorageRun> Runs)
{
    public string ToMarkdown(string command, string? note)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"`{command}`: {Options.Customers:N0} {Options.Customer} customers, {Options.Writes} writes each, {Options.Concurrency} in flight, on Azurite.");
        if (note is not null) text.AppendLine().AppendLine(note);
        text.AppendLine()
            .AppendLine("| storage | writes | seconds | writes/s | table requests | bytes, first write | bytes, each later write | bytes per write |")
            .AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var run in Runs)
        {
            var later = run.Bytes.Length > 1 ? run.Bytes[1..].Average() : 0;
            text.AppendLine(invariant,
                $"| {run.Name} | {run.Writes:N0} | {run.Elapsed.TotalSeconds:N1} | {run.WritesPerSecond:N0} | {run.Requests ?? run.Writes:N0} | {run.Bytes[0]:N0} | {later:N0} | {run.Bytes.Average():N0} |");
        }

        return text.ToString();
    }
}
