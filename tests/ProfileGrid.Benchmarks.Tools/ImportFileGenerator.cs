using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// <c>import-file</c>: writes the import benchmark's file, gzipped NDJSON, in a process of its own: <c>--events</c>
/// events over <c>--customers</c> customers (round robin, so that every window of lines reaches many customers, as a
/// shop's export does), of three types, with values on purchases and timestamps spread over the last 400 days (a
/// third older than 30 days). Streams, so that 10,000,000 events need no more memory than 10.
/// </summary>
internal sealed class ImportFileGenerator(ToolArgs args)
{
    private static readonly string[] Types = ["page_view", "cart_add", "purchase"];

    public int Run()
    {
        var events = (long)args.Number("events", 10_000_000);
        var customers = (long)args.Number("customers", 1_000_000);
        var prefix = args.Text("customer-prefix", "imported-");
        var path = args.Text("file");
        var now = DateTimeOffset.UtcNow;
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new StreamWriter(gzip, new UTF8Encoding(false), 1 << 16);
        var line = new StringBuilder(256);
        for (long i = 0; i < events; i++)
        {
            var type = Types[i % Types.Length];
            var at = now - TimeSpan.FromSeconds(i * 7919 % (400L * 24 * 3600));
            line.Clear()
                .Append("{\"id\":\"g-").Append(i.ToString(CultureInfo.InvariantCulture))
                .Append("\",\"type\":\"").Append(type)
                .Append("\",\"customerId\":\"").Append(prefix).Append((i % customers).ToString(CultureInfo.InvariantCulture))
                .Append("\",\"timestamp\":\"").Append(at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append('"');
            if (type == "purchase") line.Append(",\"value\":").Append(((i % 5000) / 100m).ToString(CultureInfo.InvariantCulture));
            line.Append(",\"channel\":\"web\"}\n");
            writer.Write(line);
        }

        writer.Flush();
        Console.Error.WriteLine($"import-file: {events:N0} events over {customers:N0} customers in {path} ({new FileInfo(path).Length / 1048576.0:0.0} MiB gzipped)");
        return 0;
    }
}
