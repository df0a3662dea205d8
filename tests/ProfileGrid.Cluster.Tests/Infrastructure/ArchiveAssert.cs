using System.Globalization;
using System.Net;
using System.Text.Json;
using ProfileGrid.Customers;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

internal static class ArchiveAssert
{
    /// <summary>
    /// Each customer's archive holds each of its writes once: seqs 1 to the seq its profile shows, without a gap or a
    /// repeat, and its events (every id in <paramref name="expectedIds"/>, <paramref name="expectedEvents"/> in all)
    /// each once.
    /// </summary>
    public static async Task EveryWriteOnceAsync(
        HttpClient gateway, IReadOnlyDictionary<string, List<CustomerEntry>> archived,
        Func<string, IReadOnlyCollection<string>> expectedIds, Func<string, int> expectedEvents, CancellationToken cancellationToken)
    {
        var wrong = new List<string>();
        await Parallel.ForEachAsync(archived, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (pair, token) =>
        {
            var (customer, entries) = pair;
            var stored = await SeqAsync(gateway, customer, token);
            var seqs = entries.Select(entry => entry.Seq).Order().ToList();
            var repeated = seqs.GroupBy(seq => seq).Where(group => group.Count() > 1).Select(group => group.Key).ToList();
            var missing = Enumerable.Range(1, (int)stored).Select(seq => (long)seq).Except(seqs).ToList();
            var beyond = seqs.Where(seq => seq > stored).Distinct().ToList();
            var events = entries.SelectMany(entry => entry.Changes.OfType<EventsChange>()).SelectMany(change => change.Events).Select(e => e.Id).ToList();
            var twice = events.GroupBy(id => id, StringComparer.Ordinal).Where(group => group.Count() > 1).Select(group => group.Key).ToList();
            var absent = expectedIds(customer).Except(events, StringComparer.Ordinal).ToList();
            if (repeated.Count + missing.Count + beyond.Count + twice.Count + absent.Count == 0 && events.Count == expectedEvents(customer)) return;
            lock (wrong)
            {
                wrong.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{customer}: stored seq {stored}, {entries.Count} archived writes; seqs archived twice [{string.Join(",", repeated)}], missing [{string.Join(",", missing.Take(10))}], "
                    + $"beyond the stored [{string.Join(",", beyond)}]; {events.Count} events archived of {expectedEvents(customer)}, "
                    + $"twice [{string.Join(",", twice.Take(5))}], absent [{string.Join(",", absent.Take(5))}]"));
            }
        });
        Assert.True(wrong.Count == 0, $"{wrong.Count} customers' archives do not hold each write once:{Environment.NewLine}{string.Join(Environment.NewLine, wrong.Take(20))}");
    }

    private static async Task<long> SeqAsync(HttpClient gateway, string customer, CancellationToken cancellationToken)
    {
        using var response = await gateway.GetAsync(new Uri("v1/customers/" + customer, UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /v1/customers/{customer}: {(int)response.StatusCode} {body}");
        using var profile = JsonDocument.Parse(body);
        return profile.RootElement.GetProperty("seq").GetInt64();
    }
}
