using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ProfileGrid.LoadGenerator;

namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// From the 202 of the event that changes a segment answer to the destination's receipt: one event of
/// <c>--event-type</c> per fresh customer, posted on a schedule (<c>--rate</c> a second), each of which puts its customer
/// into a segment (the script defines one whose rule is <c>{event-type}.total &gt;= 1</c>) that a destination delivers to
/// the receiver's hook <c>--hook</c>. The 202's time (UTC, this process's clock) is kept per customer; once the
/// measured posts are answered, the receiver's receipts (<c>/_control/hooks/{hook}/receipts</c>: type, subject,
/// arrival on the receiver's clock, the same machine's) are read until every accepted customer's
/// <c>segment.entered</c> arrived or <c>--wait</c> seconds passed, and joined on the customer id. Only HTTP: nothing
/// of how deliveries travel inside the cluster is assumed. Exits 1 when a delivery is missing.
/// </summary>
internal sealed class DeliveryLatencyProbe(ToolArgs args)
{
    private const string Entered = "com.profilegrid.segment.entered";
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly ConcurrentDictionary<string, DateTimeOffset> _accepted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _postErrors = new(StringComparer.Ordinal);
    private readonly LatencyHistogram _postLatency = new();
    private long _eventId;

    public async Task<int> RunAsync()
    {
        var rate = args.Number("rate", 50);
        var prefix = args.Text("customer-prefix", "delivery-");
        var type = args.Text("event-type", "bench_signal");
        var hook = args.Text("hook", "good");
        var runId = "dl" + Guid.NewGuid().ToString("N")[..8];
        using var gateway = new HttpClient { BaseAddress = new Uri(args.Text("url")), Timeout = TimeSpan.FromSeconds(60) };
        gateway.DefaultRequestHeaders.Add("X-Api-Key", args.Text("producer-key"));
        using var receiver = new HttpClient { BaseAddress = new Uri(args.Text("receiver")), Timeout = TimeSpan.FromSeconds(60) };

        await OpenLoop.RunAsync(rate, args.Seconds("warmup", 3), i => PostAsync(gateway, $"{prefix}w{i}", type, runId, measured: false));
        var elapsed = await OpenLoop.RunAsync(rate, args.Seconds("duration", 10), i => PostAsync(gateway, $"{prefix}{i}", type, runId, measured: true));

        var deadline = DateTimeOffset.UtcNow + args.Seconds("wait", 60);
        var waitStarted = DateTimeOffset.UtcNow;
        Dictionary<string, Receipt> arrived;
        int duplicates;
        while (true)
        {
            (arrived, duplicates) = await ReceiptsAsync(receiver, hook);
            if (_accepted.Keys.All(arrived.ContainsKey) || DateTimeOffset.UtcNow >= deadline) break;
            await Task.Delay(1000);
        }

        var latencies = _accepted.Where(pair => arrived.ContainsKey(pair.Key))
            .Select(pair => (arrived[pair.Key].ReceivedAt - pair.Value).TotalMilliseconds).Order().ToArray();
        var missing = _accepted.Keys.Where(customer => !arrived.ContainsKey(customer)).Order(StringComparer.Ordinal).ToArray();
        double? Percentile(double p) => latencies.Length == 0 ? null : Math.Round(latencies[Math.Max(0, (int)Math.Ceiling(p * latencies.Length) - 1)], 1) + 0.0; // + 0.0: no -0
        var result = new
        {
            label = args.Optional("label"),
            tool = "ProfileGrid.Benchmarks.Tools destinations",
            hook,
            rate,
            durationSeconds = Math.Round(elapsed.TotalSeconds, 3),
            warmupSeconds = args.Number("warmup", 3),
            posted = Interlocked.Read(ref _eventId),
            expected = _accepted.Count,
            received = latencies.Length,
            missing = missing.Length,
            missingCustomers = missing.Take(20).ToArray(),
            duplicateReceipts = duplicates,
            postErrors = new SortedDictionary<string, long>(_postErrors, StringComparer.Ordinal),
            latencyMsP50 = Percentile(0.50),
            latencyMsP95 = Percentile(0.95),
            latencyMsP99 = Percentile(0.99),
            latencyMsMax = latencies.Length == 0 ? default(double?) : Math.Round(latencies[^1], 1),
            latencyMsMin = latencies.Length == 0 ? default(double?) : Math.Round(latencies[0], 1),
            postLatencyMsP50 = _postLatency.Milliseconds(50),
            postLatencyMsP99 = _postLatency.Milliseconds(99),
            secondsWaitedForDeliveries = Math.Round((DateTimeOffset.UtcNow - waitStarted).TotalSeconds, 1),
        };
        var text = JsonSerializer.Serialize(result, Indented);
        if (args.Optional("out") is { } file) await File.WriteAllTextAsync(file, text + Environment.NewLine);
        Console.WriteLine(text);
        return missing.Length == 0 && !_accepted.IsEmpty ? 0 : 1;
    }

    /// <summary>Posts one event of <paramref name="type"/> for <paramref name="customer"/>; a measured one's 202 time is kept.</summary>
    private async Task PostAsync(HttpClient gateway, string customer, string type, string runId, bool measured)
    {
        var id = $"{runId}-{Interlocked.Increment(ref _eventId)}";
        var body = $$$"""{"id":"{{{id}}}","type":"{{{type}}}","customerId":"{{{customer}}}","channel":"web","properties":{"probe":"destinations"}}""";
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var sent = DateTimeOffset.UtcNow;
        try
        {
            using var response = await gateway.PostAsync(new Uri("v1/events", UriKind.Relative), content);
            var answered = DateTimeOffset.UtcNow;
            if (!measured) return;
            _postLatency.Record(answered - sent);
            var answer = Answer.Parse(await response.Content.ReadAsByteArrayAsync(), 1);
            if (response.IsSuccessStatusCode && answer.Accepted == 1) _accepted[customer] = answered;
            else _postErrors.AddOrUpdate(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            if (measured) _postErrors.AddOrUpdate(exception is TaskCanceledException ? "timeout" : "connection", 1, (_, n) => n + 1);
        }
    }

    /// <summary>The first <c>segment.entered</c> the hook took (answered 2xx) per customer, and how many more came (redeliveries).</summary>
    private static async Task<(Dictionary<string, Receipt> First, int Duplicates)> ReceiptsAsync(HttpClient receiver, string hook)
    {
        var receipts = await receiver.GetFromJsonAsync<Receipt[]>($"_control/hooks/{hook}/receipts", JsonSerializerOptions.Web) ?? [];
        var first = new Dictionary<string, Receipt>(StringComparer.Ordinal);
        var duplicates = 0;
        foreach (var receipt in receipts.Where(r => r.Type == Entered && r.Subject is not null && r.Status is >= 200 and < 300))
        {
            if (!first.TryGetValue(receipt.Subject!, out var earlier)) first[receipt.Subject!] = receipt;
            else
            {
                duplicates++;
                if (receipt.ReceivedAt < earlier.ReceivedAt) first[receipt.Subject!] = receipt;
            }
        }

        return (first, duplicates);
    }

    /// <summary>A receipt as the receiver lists it.</summary>
    private sealed record Receipt(string? Id, string? Type, string? Subject, int Status, DateTimeOffset ReceivedAt);
}
