using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using ProfileGrid.LoadGenerator;

namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// Real-time exclusion latency: defines a segment (admin key), then asks on a schedule, open loop, whether random
/// customers of the population are in it: <c>GET /v1/segments/{name}/members/{id}</c> for one id, or with
/// <c>--ids n</c> <c>POST /v1/segments/{name}/check</c> with n ids. Every answer must be 200; the latency runs from
/// the request to the whole answer. Events in the result are ids checked.
/// </summary>
internal sealed class ExclusionCheckProbe(ToolArgs args)
{
    private const string Segment = "bench-exclusion";
    // "Bought or complained in the last hour": whom ad and email tools leave out.
    private const string Rule = "purchase.1h >= 1 or support_call.1h >= 1";

    public async Task<RunResult> RunAsync()
    {
        var url = new Uri(args.Text("url"));
        var prefix = args.Text("customer-prefix");
        var population = args.Int("customers", 1000);
        var ids = args.Int("ids", 1);
        var rate = args.Number("rate", 50);

        using var http = Client(url, args.Text("agent-key"));
        await DefineAsync(url, http);
        await PhaseAsync(http, new RunStats(), "warm-up", args.Seconds("warmup", 3), rate, prefix, population, ids);
        var stats = new RunStats();
        var elapsed = await PhaseAsync(http, stats, "measure", args.Seconds("duration", 10), rate, prefix, population, ids);
        return RunResult.Measured(stats, elapsed) with
        {
            Label = args.Optional("label"),
            Tool = "ProfileGrid.Benchmarks.Tools exclusion",
            Target = new Uri(url, ids == 1 ? $"v1/segments/{Segment}/members/{{id}}" : $"v1/segments/{Segment}/check").ToString(),
            Mode = "open",
            Rate = rate,
            Batch = ids,
            Customers = population,
            WarmupSeconds = args.Number("warmup", 3),
        };
    }

    /// <summary>Defines the segment unless it is (a second probe in the same run would start a back-fill over again).</summary>
    private async Task DefineAsync(Uri url, HttpClient agent)
    {
        using (var existing = await agent.GetAsync(new Uri($"v1/segments/{Segment}", UriKind.Relative)))
        {
            if (existing.IsSuccessStatusCode) return;
        }

        using var admin = Client(url, args.Text("admin-key"));
        using var definition = new StringContent($$"""{"rule":"{{Rule}}","description":"benchmark: exclusion checks"}""", Encoding.UTF8, "application/json");
        using var defined = await admin.PutAsync(new Uri($"v1/segments/{Segment}", UriKind.Relative), definition);
        defined.EnsureSuccessStatusCode();
    }

    private static HttpClient Client(Uri url, string key)
    {
        var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    private static async Task<TimeSpan> PhaseAsync(HttpClient http, RunStats stats, string phase, TimeSpan duration, double rate, string prefix, int population, int ids)
    {
        await using var progress = new Progress("exclusion " + phase, stats, quiet: false);
        progress.Start();
        return await OpenLoop.RunAsync(rate, duration, _ =>
            CheckAsync(http, stats, [.. Enumerable.Range(0, ids).Select(_ => prefix + Random.Shared.Next(population).ToString(CultureInfo.InvariantCulture))]));
    }

    private static async Task CheckAsync(HttpClient http, RunStats stats, string[] customers)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = customers.Length == 1
                ? await http.GetAsync(new Uri($"v1/segments/{Segment}/members/{customers[0]}", UriKind.Relative))
                : await http.PostAsync(new Uri($"v1/segments/{Segment}/check", UriKind.Relative), Body(customers));
            await response.Content.ReadAsByteArrayAsync();
            if (response.IsSuccessStatusCode) stats.Succeeded(new Answer(customers.Length, 0, 0), Stopwatch.GetElapsedTime(started));
            else stats.Failed(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), Stopwatch.GetElapsedTime(started));
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            stats.Failed("request failed", Stopwatch.GetElapsedTime(started));
        }
    }

    private static StringContent Body(string[] customers)
    {
        var content = new StringContent($$"""{"customerIds":[{{string.Join(',', customers.Select(id => $"\"{id}\""))}}]}""", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
