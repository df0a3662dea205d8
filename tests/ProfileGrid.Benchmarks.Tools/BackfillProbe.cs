using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ProfileGrid.LoadGenerator;

namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// Defines a segment (admin key) over the customers already stored, then follows its back-fill: every
/// <c>--poll</c> seconds it times a <c>GET /healthz</c> and reads <c>GET /v1/segments/{name}</c> (agent key), until the
/// back-fill is done. The time is the server's, from the definition to the back-fill's end; its result is a
/// <see cref="BackfillResult"/>, written to <c>--out</c>.
/// </summary>
internal sealed class BackfillProbe(ToolArgs args)
{
    public async Task<RunResult?> RunAsync()
    {
        var url = new Uri(args.Text("url"));
        var segment = args.Text("segment", "bench-backfill");
        var rule = args.Text("rule");
        var poll = args.Seconds("poll", 0.5);
        using var admin = Client(url, args.Text("admin-key"));
        using var agent = Client(url, args.Text("agent-key"));
        using var anonymous = Client(url, key: null);

        using var definition = new StringContent(new JsonObject { ["rule"] = rule, ["description"] = "benchmark: back-fill" }.ToJsonString(), Encoding.UTF8, "application/json");
        using var defined = await admin.PutAsync(new Uri($"v1/segments/{segment}", UriKind.Relative), definition);
        defined.EnsureSuccessStatusCode();
        var definedAt = (await defined.Content.ReadFromJsonAsync<JsonObject>())!["definedAt"]!.GetValue<DateTimeOffset>();

        var health = new LatencyHistogram();
        var samples = new List<BackfillSample>();
        JsonNode view;
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            using (var healthz = await anonymous.GetAsync(new Uri("healthz", UriKind.Relative))) healthz.EnsureSuccessStatusCode();
            health.Record(Stopwatch.GetElapsedTime(started));
            view = (await agent.GetFromJsonAsync<JsonObject>(new Uri($"v1/segments/{segment}", UriKind.Relative)))!;
            var backfill = view["backfill"]!;
            samples.Add(new BackfillSample(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), backfill["visited"]!.GetValue<long>()));
            Console.Error.WriteLine($"back-fill {backfill["state"]}: {samples[^1].Visited:N0} customers visited");
            if (backfill["state"]!.GetValue<string>() is not ("running" or "none")) break;
            await Task.Delay(poll);
        }

        var done = view["backfill"]!;
        var seconds = (done["finishedAt"]!.GetValue<DateTimeOffset>() - definedAt).TotalSeconds;
        var visited = done["visited"]!.GetValue<long>();
        var result = new BackfillResult(segment, rule, done["state"]!.GetValue<string>(), visited, view["size"]!.GetValue<long>(),
            (string?)done["error"], definedAt.ToUnixTimeMilliseconds(), Math.Round(seconds, 1), Math.Round(visited / seconds, 1), health.Summary(), [.. samples]);
        var json = JsonSerializer.Serialize(result, RunResult.Json);
        if (args.Optional("out") is { } file) await File.WriteAllTextAsync(file, json + Environment.NewLine);
        Console.WriteLine(json);
        return null;
    }

    private static HttpClient Client(Uri url, string? key)
    {
        var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null) http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }
}

/// <summary>
/// A back-fill followed to its end: its state, customers visited and members, the time from the definition to the end
/// (the server's clock), customers per second over that time, <c>/healthz</c> latency meanwhile, and the progress seen.
/// </summary>
internal sealed record BackfillResult(
    string Segment, string Rule, string State, long Visited, long Members, string? Error, long DefinedAtUnixMs,
    double Seconds, double CustomersPerSecond, LatencySummary HealthMs, BackfillSample[] Samples)
{
    public static BackfillResult Read(string path) =>
        JsonSerializer.Deserialize<BackfillResult>(File.ReadAllText(path), RunResult.Json) ?? throw new InvalidDataException($"{path} holds no back-fill.");

    /// <summary>Customers visited per second between two moments (Unix ms), from the samples nearest them.</summary>
    public double RateBetween(long fromUnixMs, long toUnixMs)
    {
        var from = Samples.MinBy(s => Math.Abs(s.UnixMs - fromUnixMs))!;
        var to = Samples.MinBy(s => Math.Abs(s.UnixMs - toUnixMs))!;
        return to.UnixMs > from.UnixMs ? (to.Visited - from.Visited) * 1000.0 / (to.UnixMs - from.UnixMs) : 0;
    }
}

/// <summary>How many customers the back-fill had visited at a moment (Unix ms).</summary>
internal sealed record BackfillSample(long UnixMs, long Visited);
