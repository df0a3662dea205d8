using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using ProfileGrid.LoadGenerator;

namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// Post → push latency: an agent's SignalR connection watches a few customers; events for them are posted one at a
/// time on a schedule, and each latency runs from just before the POST until <c>profileChanged</c> with a newer
/// <c>seq</c> arrives. One event per customer is in flight at a time; a push that does not come within 5 s counts
/// as the error <c>missed</c>. Requests in the result are posts, events are pushes received.
/// </summary>
internal sealed class PushLatencyProbe(ToolArgs args)
{
    private static readonly TimeSpan MissedAfter = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, Watched> _watched = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private RunStats _stats = new();
    private long _eventId;

    public async Task<RunResult> RunAsync()
    {
        var url = new Uri(args.Text("url"));
        var prefix = args.Text("customer-prefix", "push-");
        var customers = Enumerable.Range(0, args.Int("customers", 5)).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var rate = args.Number("rate", 20);
        var runId = "push" + Guid.NewGuid().ToString("N")[..8];

        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(url, "hubs/agents"), options => options.Headers["X-Api-Key"] = args.Text("agent-key"))
            .Build();
        hub.On<JsonElement>("profileChanged", OnProfileChanged);
        await hub.StartAsync();
        foreach (var customer in customers)
        {
            _watched[customer] = new Watched();
            await hub.InvokeAsync<JsonElement?>("Watch", customer);
        }

        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", args.Text("producer-key"));
        await PhaseAsync(http, customers, rate, runId, args.Seconds("warmup", 3), "warm-up");
        var stats = new RunStats();
        lock (_lock) _stats = stats;
        var elapsed = await PhaseAsync(http, customers, rate, runId, args.Seconds("duration", 10), "measure");
        await Task.Delay(MissedAfter);
        lock (_lock)
        {
            foreach (var watched in _watched.Values.Where(w => w.PostedAt != 0))
            {
                stats.Failed("missed", MissedAfter);
                watched.PostedAt = 0;
            }
        }

        return RunResult.Measured(stats, elapsed) with
        {
            Label = args.Optional("label"),
            Tool = "ProfileGrid.Benchmarks.Tools push",
            Target = new Uri(url, "hubs/agents").ToString(),
            Mode = "open",
            Rate = rate,
            Batch = 1,
            Customers = customers.Length,
            WarmupSeconds = args.Number("warmup", 3),
        };
    }

    private async Task<TimeSpan> PhaseAsync(HttpClient http, string[] customers, double rate, string runId, TimeSpan duration, string phase)
    {
        RunStats stats;
        lock (_lock) stats = _stats;
        await using var progress = new Progress("push " + phase, stats, quiet: false);
        progress.Start();
        return await OpenLoop.RunAsync(rate, duration, i =>
        {
            var customer = customers[i % customers.Length];
            return TryClaim(customer, stats) ? PostAsync(http, customer, $"{runId}-{Interlocked.Increment(ref _eventId)}", stats) : null;
        });
    }

    /// <summary>Marks the customer as waiting for a push, unless the previous one is still awaited (then skip this slot).</summary>
    private bool TryClaim(string customer, RunStats stats)
    {
        lock (_lock)
        {
            var watched = _watched[customer];
            if (watched.PostedAt != 0)
            {
                if (Stopwatch.GetElapsedTime(watched.PostedAt) < MissedAfter) return false;
                stats.Failed("missed", MissedAfter);
            }

            watched.PostedAt = Stopwatch.GetTimestamp();
            return true;
        }
    }

    private async Task PostAsync(HttpClient http, string customer, string id, RunStats stats)
    {
        var body = $$$"""{"id":"{{{id}}}","type":"page_view","customerId":"{{{customer}}}","channel":"web","properties":{"path":"/push"}}""";
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await http.PostAsync(new Uri("v1/events", UriKind.Relative), content);
            if (response.IsSuccessStatusCode) return;
            Release(customer, stats, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            Release(customer, stats, "post failed");
        }
    }

    private void Release(string customer, RunStats stats, string error)
    {
        lock (_lock)
        {
            var watched = _watched[customer];
            stats.Failed(error, Stopwatch.GetElapsedTime(watched.PostedAt));
            watched.PostedAt = 0;
        }
    }

    private void OnProfileChanged(JsonElement view)
    {
        var received = Stopwatch.GetTimestamp();
        if (!view.TryGetProperty("customerId", out var id) || !view.TryGetProperty("seq", out var seq)) return;
        lock (_lock)
        {
            if (!_watched.TryGetValue(id.GetString() ?? "", out var watched) || seq.GetInt64() <= watched.Seq) return;
            watched.Seq = seq.GetInt64();
            if (watched.PostedAt == 0) return;
            _stats.Succeeded(new Answer(1, 0, 0), Stopwatch.GetElapsedTime(watched.PostedAt, received));
            watched.PostedAt = 0;
        }
    }

    private sealed class Watched
    {
        public long Seq { get; set; }

        public long PostedAt { get; set; }
    }
}
