using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>
/// An NDJSON import file, gzipped, and what each customer must count after it: per customer, purchases (with ids)
/// and page views (without: the import gives them <c>import:{id}:{line}</c>), spread over the last 90 days and
/// interleaved across customers; with <c>traits</c>, each customer's trait record first.
/// </summary>
internal sealed record ImportFile(byte[] Content, int Lines, IReadOnlyDictionary<string, ImportedCustomer> Customers)
{
    public static ImportFile Create(string prefix, int customers, int eventsPerCustomer, bool traits = false)
    {
        var now = DateTimeOffset.UtcNow;
        var expected = new Dictionary<string, ImportedCustomer>(StringComparer.Ordinal);
        var lines = 0;
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new StreamWriter(gzip, new UTF8Encoding(false)))
        {
            for (var c = 0; traits && c < customers; c++, lines++)
            {
                var at = (now - TimeSpan.FromDays(100 + c % 7)).ToString("O", CultureInfo.InvariantCulture);
                writer.Write($$"""{"customerId":"{{prefix}}-c{{c}}","traits":{"plan":"plan-{{c % 5}}","country":"C{{c % 3}}"},"timestamp":"{{at}}"}""");
                writer.Write('\n');
            }

            for (var n = 0; n < customers * eventsPerCustomer; n++, lines++)
            {
                var customer = $"{prefix}-c{n % customers}";
                var at = (now - TimeSpan.FromMinutes(n % (90 * 24 * 60))).ToString("O", CultureInfo.InvariantCulture);
                var counts = expected.GetValueOrDefault(customer) ?? new ImportedCustomer(0, 0, 0, []);
                if (n % 3 == 0)
                {
                    var value = (n % 7) + 0.5m;
                    writer.Write($$"""{"id":"p-{{n}}","type":"purchase","customerId":"{{customer}}","timestamp":"{{at}}","value":{{value.ToString(CultureInfo.InvariantCulture)}}}""");
                    expected[customer] = counts with { Purchases = counts.Purchases + 1, Sum = counts.Sum + value, PurchaseIds = [.. counts.PurchaseIds, $"p-{n}"] };
                }
                else
                {
                    writer.Write($$"""{"type":"page_view","customerId":"{{customer}}","timestamp":"{{at}}"}""");
                    expected[customer] = counts with { Views = counts.Views + 1 };
                }

                writer.Write('\n');
            }
        }

        return new ImportFile(output.ToArray(), lines, expected);
    }
}

/// <summary>What one customer of an <see cref="ImportFile"/> must count: purchases, their sum, page views, and the purchases' ids.</summary>
internal sealed record ImportedCustomer(int Purchases, decimal Sum, int Views, IReadOnlyList<string> PurchaseIds)
{
    public int Events => Purchases + Views;
}
