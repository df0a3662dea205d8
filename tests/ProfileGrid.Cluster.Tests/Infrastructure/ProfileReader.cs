using System.Globalization;
using System.Net;
using System.Text.Json;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>Reads customers' lifetime counters through <c>GET /v1/customers/{id}</c> and compares them with what was acknowledged.</summary>
internal static class ProfileReader
{
    private static readonly TimeSpan ReadPatience = TimeSpan.FromSeconds(30);

    /// <summary>Per event type, the lifetime (<c>total</c>) count and sum; empty if the customer is unknown (404).</summary>
    public static async Task<Dictionary<string, (long Count, decimal Sum)>> ReadTotalsAsync(
        HttpClient gateway, string customerId, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReadPatience;
        while (true)
        {
            string last;
            try
            {
                using var response = await gateway.GetAsync(new Uri("v1/customers/" + customerId, UriKind.Relative), cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return [];
                }

                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return ParseTotals(body);
                }

                last = string.Create(CultureInfo.InvariantCulture, $"{(int)response.StatusCode} {body}");
            }
            catch (HttpRequestException exception)
            {
                last = exception.Message;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"GET /v1/customers/{customerId} did not succeed within {ReadPatience.TotalSeconds:0}s; last: {last}");
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>Reads every customer and lists each difference from <paramref name="expected"/> (empty when all match exactly).</summary>
    public static async Task<List<string>> CompareAsync(
        HttpClient gateway, Dictionary<string, Dictionary<string, (long Count, decimal Sum)>> expected, CancellationToken cancellationToken)
    {
        var differences = new List<string>();
        foreach (var (customerId, expectedTotals) in expected.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            Dictionary<string, (long Count, decimal Sum)> actual;
            try
            {
                actual = await ReadTotalsAsync(gateway, customerId, cancellationToken);
            }
            catch (Exception exception) when (exception is InvalidOperationException or OperationCanceledException)
            {
                differences.Add($"{customerId}: not read ({exception.Message})");
                continue;
            }

            foreach (var type in expectedTotals.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
            {
                var want = expectedTotals.GetValueOrDefault(type);
                var got = actual.GetValueOrDefault(type);
                if (want != got)
                {
                    differences.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{customerId} {type}: expected count {want.Count} sum {want.Sum}, got count {got.Count} sum {got.Sum} ({(got.Count - want.Count):+#;-#;0} events)"));
                }
            }
        }

        return differences;
    }

    private static Dictionary<string, (long Count, decimal Sum)> ParseTotals(string json)
    {
        using var document = JsonDocument.Parse(json);
        var totals = new Dictionary<string, (long Count, decimal Sum)>(StringComparer.Ordinal);
        if (document.RootElement.TryGetProperty("counters", out var counters))
        {
            foreach (var type in counters.EnumerateObject())
            {
                var total = type.Value.GetProperty("total");
                totals[type.Name] = (total.GetProperty("count").GetInt64(), total.GetProperty("sum").GetDecimal());
            }
        }

        return totals;
    }
}
