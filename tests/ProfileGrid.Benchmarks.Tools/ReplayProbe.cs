using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;

namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// The replay benchmark's steps (scripts/bench-replay.sh): <see cref="ProfilesAsync"/> writes what a sample of customers'
/// profiles hold that a replay must give back, <see cref="EmptyAsync"/> deletes the customers' stored journals (the
/// archive and its keys stay), and <see cref="ReplayAsync"/> replays every customer and follows it to its end.
/// </summary>
internal sealed class ReplayProbe(ToolArgs args)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// <c>profiles</c>: the profiles of <c>--sample</c> customers <c>{prefix}{index}</c> spread evenly over
    /// <c>--customers</c>, one line each: the fields a replay must restore exactly (seq, first and last seen, traits,
    /// consent, channels, each type's lifetime count and sum), the seq plus <c>--seq-offset</c> (a replay's restore is a
    /// write: 1 to compare live profiles with replayed ones). The windows are left out: they move with the clock
    /// between the two reads.
    /// </summary>
    public async Task ProfilesAsync()
    {
        using var agent = Client(args.Text("agent-key"));
        var customers = args.Int("customers", 1000);
        var sample = Math.Min(customers, args.Int("sample", 200));
        var prefix = args.Text("customer-prefix", "stored-");
        var seqOffset = (long)args.Number("seq-offset", 0);
        var lines = new List<string>();
        for (var i = 0; i < sample; i++)
        {
            var id = prefix + (i * (long)customers / sample).ToString(CultureInfo.InvariantCulture);
            using var response = await agent.GetAsync(new Uri($"v1/customers/{Uri.EscapeDataString(id)}", UriKind.Relative));
            if (!response.IsSuccessStatusCode)
            {
                lines.Add($"{id}: {(int)response.StatusCode}");
                continue;
            }

            var profile = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            var kept = new JsonObject();
            foreach (var field in new[] { "customerId", "seq", "firstSeen", "lastSeen", "traits", "consent", "channels" })
            {
                kept[field] = profile[field]?.DeepClone();
            }

            kept["seq"] = kept["seq"]!.GetValue<long>() + seqOffset;

            var totals = new JsonObject();
            foreach (var (type, counter) in profile["counters"]!.AsObject().OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                totals[type] = counter!["total"]!.DeepClone();
            }

            kept["totals"] = totals;
            lines.Add(kept.ToJsonString());
        }

        await File.WriteAllLinesAsync(args.Text("out"), lines);
        Console.Error.WriteLine($"{lines.Count} profiles written to {args.Text("out")}");
    }

    /// <summary>
    /// <c>empty</c>: deletes the tables that hold the customers (their journals with the outbox, the segment members, the
    /// wake-ups), as a cluster that lost its customer storage, or a new one given only the archive. The outbox must be
    /// empty (archived) first: this refuses otherwise.
    /// </summary>
    public async Task EmptyAsync()
    {
        var connection = args.Text("connection-string");
        var outbox = await ArchiveLagProbe.CountOutboxRowsAsync(new TableClient(connection, "ProfileGridJournals"));
        if (outbox > 0) throw new InvalidOperationException($"{outbox} outbox rows are not archived yet: emptying now would lose their writes.");
        foreach (var table in new[] { "ProfileGridJournals", "ProfileGridSegmentMembers", "ProfileGridWakeups" })
        {
            await new TableClient(connection, table).DeleteAsync();
            Console.Error.WriteLine($"deleted table {table}");
        }
    }

    /// <summary>
    /// <c>replay</c>: <c>POST /v1/replays {"all": true}</c>, then its status every <c>--poll</c> seconds until it ends;
    /// writes the last status, with the seconds from the request to its end by the server's clock.
    /// </summary>
    public async Task ReplayAsync()
    {
        using var admin = Client(args.Text("admin-key"));
        using var body = new StringContent("""{"all":true}""", Encoding.UTF8, "application/json");
        using var posted = await admin.PostAsync(new Uri("v1/replays", UriKind.Relative), body);
        if (!posted.IsSuccessStatusCode) throw new InvalidOperationException($"POST /v1/replays answered {(int)posted.StatusCode}: {await posted.Content.ReadAsStringAsync()}");
        var id = (await posted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        JsonObject status;
        while (true)
        {
            await Task.Delay(args.Seconds("poll", 0.5));
            status = (await admin.GetFromJsonAsync<JsonObject>(new Uri($"v1/replays/{id}", UriKind.Relative)))!;
            Console.Error.WriteLine($"replay {status["state"]}: {status["rebuilt"]} rebuilt of {status["customers"]}");
            if (status["state"]!.GetValue<string>() is "done" or "failed") break;
        }

        var seconds = (status["finishedAt"]!.GetValue<DateTimeOffset>() - status["requestedAt"]!.GetValue<DateTimeOffset>()).TotalSeconds;
        status["seconds"] = Math.Round(seconds, 1);
        status["customersPerSecondOverall"] = Math.Round(status["rebuilt"]!.GetValue<long>() / seconds, 1);
        var text = status.ToJsonString(Indented);
        if (args.Optional("out") is { } file) await File.WriteAllTextAsync(file, text + Environment.NewLine);
        Console.WriteLine(text);
    }

    private HttpClient Client(string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(args.Text("url")), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }
}
