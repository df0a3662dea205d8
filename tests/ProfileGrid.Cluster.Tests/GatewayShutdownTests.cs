using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using ProfileGrid.Cluster.Tests.Infrastructure;
using static ProfileGrid.Cluster.Tests.Infrastructure.Seconds;

namespace ProfileGrid.Cluster.Tests;

/// <summary>
/// A gateway replica gets SIGTERM (scale-in, a new revision) while producers post to it and an agent watches
/// through it: it stops accepting connections, answers every request it had taken, closes its hub connections at
/// once so dashboards reconnect (to another replica, through the load balancer), and exits by itself.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class GatewayShutdownTests(ITestOutputHelper output)
{
    private const int Producers = 4;
    private const int EventsPerRequest = 10;
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_gateway_that_gets_SIGTERM_answers_what_it_took_and_closes_its_hub_connections()
    {
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var cluster = await ProfileGridCluster.StartAsync("gateway-stop", siloCount: 2, output, startup.Token);
        var other = await cluster.AddGatewayAsync(startup.Token);
        var leaving = cluster.Gateway;
        using var leavingHttp = cluster.CreateClient(TimeSpan.FromSeconds(60));
        using var otherHttp = cluster.CreateClient(TimeSpan.FromSeconds(60), other);
        var customer = cluster.ClusterId + "-watched";
        var clock = Stopwatch.StartNew();

        var agentClosed = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var agent = new HubConnectionBuilder()
            .WithUrl(new Uri(leaving.BaseAddress, "/hubs/agents"), options => options.AccessTokenProvider = () => HubTokens.FetchAsync(leavingHttp))
            .Build();
        agent.Closed += _ =>
        {
            agentClosed.TrySetResult(clock.Elapsed);
            return Task.CompletedTask;
        };
        await agent.StartAsync();
        await agent.InvokeAsync<JsonElement?>("Watch", customer);

        // Producers post to the leaving gateway until it refuses their connections, as a load balancer would then
        // send them to another replica.
        var requests = new ConcurrentQueue<(TimeSpan Sent, TimeSpan Answered, string Outcome, int Events)>();
        var ids = 0;
        var producing = Task.WhenAll(Enumerable.Range(0, Producers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var events = Enumerable.Range(0, EventsPerRequest)
                    .Select(_ => new { id = $"{customer}-{Interlocked.Increment(ref ids)}", type = "page_view", customerId = customer })
                    .ToArray();
                var sent = clock.Elapsed;
                try
                {
                    using var response = await leavingHttp.PostAsJsonAsync(new Uri("v1/events", UriKind.Relative), new { events });
                    requests.Enqueue((sent, clock.Elapsed, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), events.Length));
                }
                catch (HttpRequestException exception) when (exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
                {
                    requests.Enqueue((sent, clock.Elapsed, "refused", 0));
                    return;
                }
                catch (HttpRequestException exception)
                {
                    // The connection closed without an answer: sent on a kept-alive connection the gateway closed as
                    // idle when it stopped accepting (it never read the request), or taken and dropped; the
                    // assertions below tell the two apart.
                    requests.Enqueue((sent, clock.Elapsed, "closed: " + (exception.InnerException ?? exception).Message, events.Length));
                    return;
                }
            }
        })));

        while (requests.Count(r => r.Outcome == "202") < 50) await Task.Delay(20);
        var signalledAt = clock.Elapsed;
        var exited = await leaving.StopAsync(GracePeriod);
        var exitedAt = clock.Elapsed;
        await producing;
        var closedAt = await agentClosed.Task.WaitAsync(TimeSpan.FromSeconds(5));

        // The dashboard's reconnect lands on another replica, which serves the same customer live.
        var pushes = new ConcurrentQueue<long>();
        await using var reconnected = new HubConnectionBuilder()
            .WithUrl(new Uri(other.BaseAddress, "/hubs/agents"), options => options.AccessTokenProvider = () => HubTokens.FetchAsync(otherHttp))
            .Build();
        reconnected.On<JsonElement>("profileChanged", view => pushes.Enqueue(view.GetProperty("seq").GetInt64()));
        await reconnected.StartAsync();
        await reconnected.InvokeAsync<JsonElement?>("Watch", customer);
        using var last = await otherHttp.PostAsJsonAsync(new Uri("v1/events", UriKind.Relative),
            new { id = customer + "-after", type = "purchase", customerId = customer, value = 1 });
        Assert.Equal(HttpStatusCode.Accepted, last.StatusCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (pushes.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(50);

        using var profile = JsonDocument.Parse(await otherHttp.GetStringAsync(new Uri("v1/customers/" + customer, UriKind.Relative)));
        var pageViews = profile.RootElement.GetProperty("counters").GetProperty("page_view").GetProperty("total").GetProperty("count").GetInt64();
        var answered = requests.ToList();
        var acknowledgedEvents = answered.Where(r => r.Outcome == "202").Sum(r => r.Events);
        var unanswered = string.Join("; ", answered.Where(r => r.Outcome != "202")
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"sent +{Format(r.Sent - signalledAt)} {r.Outcome}")));
        var inFlight = answered.Count(r => r.Sent < signalledAt && r.Answered > signalledAt);
        ResultFile.Append(output, "gateway-stop", string.Create(CultureInfo.InvariantCulture,
            $"SIGTERM at {Format(signalledAt)}: exited after {Format(exitedAt - signalledAt)} (code {leaving.ExitCode}); hub connection closed "
            + $"{Format(closedAt - signalledAt)} after the signal; {answered.Count} requests, {inFlight} in flight at the signal; "
            + $"outcomes {string.Join(", ", answered.GroupBy(r => r.Outcome.Split(':')[0]).Select(g => $"{g.Key}×{g.Count()}"))}; "
            + $"{acknowledgedEvents} events acknowledged, {pageViews} counted; not answered: {unanswered}"));

        Assert.True(exited && leaving.ExitCode == 0, $"The gateway did not exit by itself within {GracePeriod.TotalSeconds:0}s.{Environment.NewLine}{leaving.Log.Tail(80)}");
        // Every request sent before the signal is answered 202; one sent after it is answered 202 or not taken at all:
        // its connection refused or closed unread, and none of its events applied (the counts below).
        Assert.All(answered, r => Assert.True(r.Outcome == "202" || (r.Sent >= signalledAt && (r.Outcome == "refused" || r.Outcome.StartsWith("closed", StringComparison.Ordinal))),
            $"A request sent at {Format(r.Sent)} was answered {r.Outcome} at {Format(r.Answered)} (SIGTERM at {Format(signalledAt)})."));
        Assert.True(closedAt < exitedAt, "The hub connection was not closed before the gateway exited.");
        // Exactly the acknowledged events: none lost, and none of a request that was not answered applied.
        Assert.Equal(acknowledgedEvents, pageViews);
        Assert.False(pushes.IsEmpty, "The other gateway pushed nothing after the reconnect.");
    }
}
