using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ProfileGrid.Cluster.Tests.Infrastructure;

namespace ProfileGrid.Cluster.Tests;

/// <summary>
/// Deliveries owed to a destination survive the silos that held them: with the receiver failing, events are
/// acknowledged and their deliveries queued; every silo is killed (SIGKILL) and a new one started; once the receiver
/// recovers, every owed delivery arrives (each CloudEvents id at least once), in order per customer.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DestinationCrashTests(ITestOutputHelper output)
{
    private static readonly IReadOnlyDictionary<string, string> SiloSettings = new Dictionary<string, string>
    {
        ["ProfileGrid__Destinations__FirstRetryDelay"] = "00:00:00.100",
        ["ProfileGrid__Destinations__MaxRetryDelay"] = "00:00:00.500",
        ["ProfileGrid__Destinations__MaxAge"] = "00:10:00",
        ["ProfileGrid__Destinations__BreakDuration"] = "00:00:01",
        ["ProfileGrid__Destinations__AttemptTimeout"] = "00:00:02",
        ["ProfileGrid__Destinations__KeepRunningPeriod"] = "00:00:01",
    };

    [Fact]
    public async Task Deliveries_owed_when_every_silo_is_killed_arrive_after_a_restart_in_order_per_customer()
    {
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var cluster = await ProfileGridCluster.StartAsync("destinations-crash", siloCount: 2, output, startup.Token, siloSettings: SiloSettings);
        await using var receiver = new Testing.AppProcess("receiver", Testing.RepoPaths.AppDll("ProfileGrid.WebhookReceiver"), new Dictionary<string, string>());
        await receiver.StartAsync(cancellationToken: startup.Token);
        using var control = new HttpClient { BaseAddress = receiver.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var client = cluster.CreateClient(TimeSpan.FromSeconds(30));

        const string hook = "crash";
        var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var type = "ev_" + Guid.NewGuid().ToString("N")[..10];
        (await control.PutAsJsonAsync($"_control/hooks/{hook}", new { secret, failAlways = true }, startup.Token)).EnsureSuccessStatusCode();
        var url = new Uri(receiver.BaseAddress, $"hooks/{hook}");
        var definition = $$$"""{"url":"{{{url}}}","secret":"{{{secret}}}","filter":{"events":["{{{type}}}"]}}""";
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/v1/destinations/crash", new StringContent(definition, Encoding.UTF8, "application/json"), startup.Token)).StatusCode);
        // The silos' catalogs read the definitions every second.
        await Task.Delay(TimeSpan.FromSeconds(3), startup.Token);

        var customers = Enumerable.Range(0, 8).Select(i => $"dc-{cluster.ClusterId}-{i}").ToArray();
        var expected = customers.ToDictionary(customer => customer, _ => new List<string>());
        for (var i = 0; i < 5; i++)
        {
            foreach (var customer in customers)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"e-{i}");
                using var response = await client.PostAsync("/v1/events",
                    new StringContent($$"""{"id":"{{id}}","type":"{{type}}","customerId":"{{customer}}"}""", Encoding.UTF8, "application/json"), startup.Token);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                expected[customer].Add(id);
            }
        }

        // Owed and failing: the queues are sending (each sends its head, refused, again and again; the deliveries
        // behind wait), and the hand-offs of the last writes, made right after them, have long been stored.
        await Testing.Eventually.Async(async () => await Received(control, hook),
            received => received.Select(request => request.Subject).Distinct().Count() >= 2, "the queues' heads are attempted");
        await Task.Delay(TimeSpan.FromSeconds(2), startup.Token);
        Assert.DoesNotContain(await Received(control, hook), request => request.Status == 200);
        foreach (var silo in cluster.Silos) silo.Kill();
        (await control.PutAsJsonAsync($"_control/hooks/{hook}", new { secret }, startup.Token)).EnsureSuccessStatusCode();
        // Every silo it knew is dead but still active in the membership table: it joins once they are voted out, which
        // took over 90 s on a loaded machine (CI beside a mutation run).
        using var restart = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await cluster.AddSiloAsync(TimeSpan.FromMinutes(4), restart.Token);

        var delivered = await Testing.Eventually.Async(async () => (await Received(control, hook)).Where(request => request.Status == 200).ToArray(),
            received => received.Select(request => request.Id).Distinct().Count() >= customers.Length * 5,
            "every owed delivery arrives after the restart", TimeSpan.FromMinutes(2));
        Assert.All(delivered, request => Assert.True(request.Verified));
        foreach (var customer in customers)
        {
            // At least once: a delivery may come twice; its first arrivals are in the order of the customer's events.
            var order = delivered.Where(request => request.Subject == customer).Select(request => request.EventId).Distinct().ToList();
            Assert.Equal(expected[customer], order);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{delivered.Length} deliveries taken after the restart, {delivered.Select(r => r.Id).Distinct().Count()} distinct ids"));
    }

    private static async Task<Arrival[]> Received(HttpClient control, string hook)
    {
        using var document = JsonDocument.Parse(await control.GetStringAsync($"_control/hooks/{hook}/received"));
        return [.. document.RootElement.EnumerateArray().Select(request =>
        {
            using var body = JsonDocument.Parse(request.GetProperty("body").GetString()!);
            var cloudEvent = body.RootElement;
            return new Arrival(request.GetProperty("id").GetString()!, cloudEvent.GetProperty("subject").GetString()!,
                cloudEvent.GetProperty("data").GetProperty("event").GetProperty("id").GetString()!, request.GetProperty("status").GetInt32(), request.GetProperty("verified").GetBoolean());
        })];
    }

    private sealed record Arrival(string Id, string Subject, string EventId, int Status, bool Verified);
}
