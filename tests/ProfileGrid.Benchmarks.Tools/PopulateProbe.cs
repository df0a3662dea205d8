using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using ProfileGrid.LoadGenerator;

namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// Stores a population of customers: one event of the load generator's mix (<see cref="EventMix"/>) for each of
/// <c>--customers</c> customers <c>{prefix}{index}</c>, every one exactly once, in batches of 1,000 with
/// <c>--concurrency</c> requests in flight. Events in the result are customers stored.
/// </summary>
internal sealed class PopulateProbe(ToolArgs args)
{
    private const int Batch = 1000;

    public async Task<RunResult> RunAsync()
    {
        var url = new Uri(args.Text("url"));
        var customers = args.Int("customers", 1_000_000);
        var prefix = args.Text("customer-prefix", "stored-");
        var concurrency = args.Int("concurrency", 8);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-Api-Key", args.Text("producer-key"));

        var stats = new RunStats();
        var batches = (customers + Batch - 1) / Batch;
        var taken = 0;
        var begin = Stopwatch.GetTimestamp();
        await using (var progress = new Progress("populate", stats, quiet: false))
        {
            progress.Start();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
            {
                var random = new Random(worker);
                for (var batch = Interlocked.Increment(ref taken) - 1; batch < batches; batch = Interlocked.Increment(ref taken) - 1)
                {
                    var (first, count) = (batch * Batch, Math.Min(Batch, customers - batch * Batch));
                    await PostAsync(http, stats, Body(random, prefix, first, count), count);
                }
            })));
        }

        return RunResult.Measured(stats, Stopwatch.GetElapsedTime(begin)) with
        {
            Label = args.Optional("label"),
            Tool = "ProfileGrid.Benchmarks.Tools populate",
            Target = new Uri(url, "v1/events").ToString(),
            Concurrency = concurrency,
            Batch = Batch,
            Customers = customers,
        };
    }

    private static byte[] Body(Random random, string prefix, int first, int count)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("events");
            for (var i = first; i < first + count; i++)
            {
                var id = i.ToString(CultureInfo.InvariantCulture);
                EventMix.Write(json, random, "populate-" + id, prefix + id);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static async Task PostAsync(HttpClient http, RunStats stats, byte[] body, int events)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(new Uri("v1/events", UriKind.Relative), content);
            var answer = await response.Content.ReadAsByteArrayAsync();
            if (response.IsSuccessStatusCode) stats.Succeeded(Answer.Parse(answer, events), Stopwatch.GetElapsedTime(started));
            else stats.Failed(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), Stopwatch.GetElapsedTime(started));
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            stats.Failed("request failed", Stopwatch.GetElapsedTime(started));
        }
    }
}
