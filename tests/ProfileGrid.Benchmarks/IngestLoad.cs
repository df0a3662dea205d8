using System.Diagnostics;
using System.Net;
using System.Text;

namespace ProfileGrid.Benchmarks;

/// <summary>
/// Posts batches from several concurrent producers for a fixed time and counts the events of every 202. Each batch
/// holds <c>batchSize</c> events spread over <c>customersPerBatch</c> customers, with ids never sent before.
/// </summary>
internal sealed class IngestLoad(Uri baseAddress, string path, int batchSize, int customersPerBatch, int concurrency)
{
    private long _batch;

    public async Task<(double EventsPerSecond, long Failures)> RunAsync(TimeSpan duration)
    {
        long acknowledged = 0, failures = 0;
        var clock = Stopwatch.StartNew();
        var producers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Add("X-Api-Key", BenchmarkGateway.ProducerKey);
            while (clock.Elapsed < duration)
            {
                using var content = new StringContent(NextBatch(), Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(path, content);
                if (response.StatusCode == HttpStatusCode.Accepted) Interlocked.Add(ref acknowledged, batchSize);
                else Interlocked.Increment(ref failures);
            }
        });
        await Task.WhenAll(producers);
        return (acknowledged / clock.Elapsed.TotalSeconds, failures);
    }

    private string NextBatch()
    {
        var batch = Interlocked.Increment(ref _batch);
        var json = new StringBuilder(batchSize * 160).Append("""{"events":[""");
        for (var i = 0; i < batchSize; i++)
        {
            if (i > 0) json.Append(',');
            var customer = (batch * customersPerBatch + i % customersPerBatch) % 100_000;
            json.Append("{\"id\":\"b").Append(batch).Append('-').Append(i)
                .Append("\",\"type\":\"").Append(i % 4 == 0 ? "purchase" : "page_view")
                .Append("\",\"customerId\":\"bench-").Append(customer)
                .Append("\",\"value\":").Append(i % 4 == 0 ? "19.99" : "0")
                .Append(",\"channel\":\"web\",\"properties\":{\"path\":\"/products/").Append(i).Append("\"}}");
        }

        return json.Append("]}").ToString();
    }
}
