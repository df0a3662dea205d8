using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using ProfileGrid.Cluster.Tests.Infrastructure;
using static ProfileGrid.Cluster.Tests.Infrastructure.Seconds;

namespace ProfileGrid.Cluster.Tests;

/// <summary>
/// An agent watches customers through the gateway while a silo is SIGKILLed: the customers' grains are re-activated
/// on the surviving silos without the gateway's subscriptions, and renewal must bring the pushes back by itself.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class LivePushFailoverTests(ITestOutputHelper output)
{
    private const int Customers = 12;
    private static readonly TimeSpan ResumeLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Pushes_resume_for_every_watched_customer_after_a_silo_is_killed()
    {
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var cluster = await ProfileGridCluster.StartAsync("live-push", siloCount: 3, output, startup.Token);
        using var http = cluster.CreateClient(TimeSpan.FromSeconds(30));
        var ids = Enumerable.Range(0, Customers).Select(i => $"watched-{i:00}").ToArray();
        var lastSeq = new ConcurrentDictionary<string, long>();
        var resumedAt = new ConcurrentDictionary<string, TimeSpan>();
        var clock = Stopwatch.StartNew();
        var killedAt = TimeSpan.MaxValue;
        var seqAtKill = new Dictionary<string, long>();

        await using var agent = new HubConnectionBuilder()
            .WithUrl(new Uri(cluster.Gateway.BaseAddress, "/hubs/agents"), options => options.AccessTokenProvider = () => HubTokens.FetchAsync(http))
            .WithAutomaticReconnect()
            .Build();
        agent.On<JsonElement>("profileChanged", view =>
        {
            var id = view.GetProperty("customerId").GetString()!;
            var seq = view.GetProperty("seq").GetInt64();
            lastSeq.AddOrUpdate(id, seq, (_, old) => Math.Max(old, seq));
            var now = clock.Elapsed;
            lock (seqAtKill)
            {
                if (now > killedAt && seq > seqAtKill[id]) resumedAt.TryAdd(id, now - killedAt);
            }
        });
        await agent.StartAsync();
        foreach (var id in ids) await agent.InvokeAsync<JsonElement?>("Watch", id);

        var posted = 0;
        async Task PostRound()
        {
            var events = ids.Select(id => $$"""{"id":"{{id}}-{{Interlocked.Increment(ref posted)}}","type":"page_view","customerId":"{{id}}"}""");
            try
            {
                await http.PostAsync("/v1/events", new StringContent($$"""{"events":[{{string.Join(',', events)}}]}""", Encoding.UTF8, "application/json"));
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Refused or timed out during the failover: the next round posts again.
            }
        }

        await PostRound();
        await WaitUntil(() => ids.All(id => lastSeq.GetValueOrDefault(id) >= 1), TimeSpan.FromSeconds(30), "every customer's first push");

        var victim = cluster.Silos[1];
        lock (seqAtKill)
        {
            foreach (var id in ids) seqAtKill[id] = lastSeq[id];
            killedAt = clock.Elapsed;
        }

        victim.Kill();
        var deadline = clock.Elapsed + ResumeLimit;
        // A round caught on the dead silo waits out the response timeout; the next rounds do not wait for it.
        var rounds = new List<Task>();
        while (resumedAt.Count < Customers && clock.Elapsed < deadline)
        {
            rounds.Add(PostRound());
            await Task.Delay(250);
        }

        await Task.WhenAll(rounds);

        // No silent gap at the end: the last push of every customer is its stored profile.
        var stored = new Dictionary<string, long>();
        foreach (var id in ids)
        {
            using var response = await http.GetAsync($"/v1/customers/{id}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            stored[id] = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("seq").GetInt64();
        }

        await WaitUntil(() => ids.All(id => lastSeq.GetValueOrDefault(id) == stored[id]), TimeSpan.FromSeconds(15), "the last pushes to match storage");

        var resumed = resumedAt.Values.Order().ToArray();
        ResultFile.Append(output, "live-push", string.Create(CultureInfo.InvariantCulture,
            $"3 silos, {Customers} watched customers, SIGKILL {victim.Name}; pushes resumed for {resumed.Length}/{Customers} customers, "
            + $"median {Format(resumed.ElementAtOrDefault(resumed.Length / 2))}, slowest {Format(resumed.LastOrDefault())} after the kill"));
        Assert.True(resumed.Length == Customers,
            $"Pushes did not resume within {ResumeLimit.TotalSeconds:0}s for: {string.Join(", ", ids.Where(id => !resumedAt.ContainsKey(id)))}"
            + Environment.NewLine + cluster.Logs());
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0}s waiting for {what}.");
            await Task.Delay(100);
        }
    }
}
