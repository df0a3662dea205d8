using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary><c>POST /v1/imports</c> and <c>GET /v1/imports/{id}</c> for the import tests, and the customers' counts after one.</summary>
internal static class ImportApi
{
    /// <summary>Posts the file (gzipped NDJSON) and returns the <c>202</c>'s body.</summary>
    public static async Task<JsonElement> PostAsync(HttpClient http, ImportFile file)
    {
        var content = new ByteArrayContent(file.Content);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await http.PostAsync("/v1/imports", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Polls the import's status until <paramref name="until"/> holds for it; an answer other than 200 (a silo failing over) is polled past.</summary>
    public static async Task<JsonElement> WaitAsync(HttpClient http, string id, Func<JsonElement, bool> until, CancellationToken cancellation)
    {
        while (true)
        {
            using (var response = await http.GetAsync($"/v1/imports/{id}", cancellation))
            {
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation)).RootElement.Clone();
                    if (until(status)) return status;
                }
            }

            await Task.Delay(100, cancellation);
        }
    }

    /// <summary>The customers of the file whose lifetime counts (purchases, their sum, page views) are not the file's, each with what it counts.</summary>
    public static async Task<List<string>> WrongCountsAsync(HttpClient http, ImportFile file, CancellationToken cancellation)
    {
        var wrong = new List<string>();
        await Parallel.ForEachAsync(file.Customers, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellation }, async (customer, token) =>
        {
            using var response = await http.GetAsync($"/v1/customers/{customer.Key}", token);
            using var profile = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token));
            var counters = profile.RootElement.GetProperty("counters");
            var actual = (counters.GetProperty("purchase").GetProperty("total").GetProperty("count").GetInt32(),
                counters.GetProperty("purchase").GetProperty("total").GetProperty("sum").GetDecimal(),
                counters.GetProperty("page_view").GetProperty("total").GetProperty("count").GetInt32());
            var expected = (customer.Value.Purchases, customer.Value.Sum, customer.Value.Views);
            if (actual != expected) lock (wrong) wrong.Add($"{customer.Key}: {actual} instead of {expected}");
        });
        return wrong;
    }
}
