using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Azure.Data.Tables;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using ProfileGrid.Cluster.Tests.Infrastructure;
using ProfileGrid.Testing;

namespace ProfileGrid.Cluster.Tests;

/// <summary>
/// One customer whose stored state cannot be read (a corrupt row) must cost only itself: an agent watching it, the
/// renewal of that watch every half second and producers posting to it never take the gateway process down, and
/// every other customer is served and pushed as before.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class PoisonedCustomerTests(ITestOutputHelper output)
{
    private const string Key = "poison-tests-admin-key-0001";

    [Fact]
    public async Task An_agent_watching_a_customer_with_a_corrupt_row_leaves_the_gateway_up_and_other_customers_live()
    {
        await using var storage = AzuriteProcess.InMemory();
        await storage.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["ProfileGrid__Storage__ConnectionString"] = storage.ConnectionString,
            ["ProfileGrid__Cluster__ClusterId"] = "poison-" + Guid.NewGuid().ToString("N")[..12],
            ["ProfileGrid__Silo__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["ProfileGrid__Silo__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["ProfileGrid__Realtime__RenewPeriod"] = "00:00:00.5",
            ["ProfileGrid__ApiKeys__0__Key"] = Key,
            ["ProfileGrid__ApiKeys__0__Name"] = "test",
            ["ProfileGrid__ApiKeys__0__Role"] = "admin",
        };

        // The poisoned customer exists in storage before the gateway that will serve it starts.
        await using (var first = new AppProcess("gateway-1", RepoPaths.GatewayDll, environment))
        {
            await first.StartAsync();
            using var setup = Client(first);
            Assert.Equal(HttpStatusCode.Accepted, (await Post(setup, "poison", "p-0")).StatusCode);
            Assert.True(await first.StopAsync(TimeSpan.FromSeconds(20)), first.Log.Tail());
        }

        await Corrupt(storage, "poison");
        await using var gateway = new AppProcess("gateway-2", RepoPaths.GatewayDll, environment);
        await gateway.StartAsync();
        using var http = Client(gateway);

        var pushes = Channel.CreateUnbounded<long>();
        await using var agent = new HubConnectionBuilder()
            .WithUrl(new Uri(gateway.BaseAddress, "/hubs/agents"), options => options.Headers["X-Api-Key"] = Key)
            .Build();
        agent.On<JsonElement>("profileChanged", view =>
        {
            if (view.GetProperty("customerId").GetString() == "healthy") pushes.Writer.TryWrite(view.GetProperty("seq").GetInt64());
        });
        await agent.StartAsync();
        var watchPoison = await Record(() => agent.InvokeAsync<JsonElement?>("Watch", "poison"));
        await agent.InvokeAsync<JsonElement?>("Watch", "healthy");

        // Ten renewal periods with the poisoned watch in place, while the healthy customer keeps changing.
        var clock = Stopwatch.StartNew();
        var seq = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await Post(http, "healthy", $"h-{++seq}")).StatusCode);
            Assert.True(seq == await NextPush(pushes, gateway), gateway.Log.Tail(80));
            await Task.Delay(100);
        }

        var read = await http.GetAsync("/v1/customers/poison");
        var write = await Post(http, "poison", "p-1");

        output.WriteLine($"watch of the poisoned customer: {watchPoison}; GET: {(int)read.StatusCode} {await read.Content.ReadAsStringAsync()}; "
            + $"POST: {(int)write.StatusCode}; healthy pushes: {seq}");
        Assert.True(gateway.IsRunning, gateway.Log.Tail(80));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, read.StatusCode);
        Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.InternalServerError, write.StatusCode);
        Assert.Equal(HubConnectionState.Connected, agent.State);
    }

    private static HttpClient Client(AppProcess gateway)
    {
        var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        return client;
    }

    private static Task<HttpResponseMessage> Post(HttpClient http, string customer, string id) =>
        http.PostAsync("/v1/events", new StringContent(
            $$"""{"id":"{{id}}","type":"page_view","customerId":"{{customer}}"}""", Encoding.UTF8, "application/json"));

    private static async Task<long> NextPush(Channel<long> pushes, AppProcess gateway)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            return await pushes.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No push within 10 s; the gateway is {(gateway.IsRunning ? "running" : "gone")}.{Environment.NewLine}{gateway.Log.Tail(80)}");
        }
    }

    private static async Task<string> Record(Func<Task<JsonElement?>> call)
    {
        try
        {
            return (await call())?.ToString() ?? "null";
        }
        catch (HubException exception)
        {
            return "hub error: " + exception.Message;
        }
    }

    /// <summary>Overwrites the snapshot in the customer's journal head row with bytes no codec reads, as a torn or foreign write would leave it.</summary>
    private static async Task Corrupt(AzuriteProcess storage, string customerId)
    {
        var table = new TableClient(storage.ConnectionString, "ProfileGridJournals");
        var corrupted = 0;
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            if (row.RowKey != customerId) continue;
            row["Data"] = Enumerable.Range(0, 64).Select(i => (byte)(0xFF - i)).ToArray();
            await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
            corrupted++;
        }

        Assert.Equal(1, corrupted);
    }
}
