using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ProfileGrid.Dashboard.Tests;

/// <summary>
/// Deliveries as people see them: a real delivery over HTTP to a loopback webhook appears on the customer's card
/// ("Told", for agents and admins) and in the destinations view (admins only), with what it took.
/// </summary>
public sealed class DestinationViewTests(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private readonly DashboardServer _server = new();
    private WebhookSite _hook = null!;
    private IBrowserContext? _context;

    public async Task InitializeAsync()
    {
        _server.StartServer();
        // The first request fails: the delivery is taken at its retry (1 s later), after one failed attempt.
        _hook = await WebhookSite.StartAsync(failFirst: 1);
    }

    public async Task DisposeAsync()
    {
        if (_context is not null) await _context.DisposeAsync();
        await _hook.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_delivery_shows_on_the_customer_s_card_and_in_the_admins_destinations_view()
    {
        var destination = $"crm-{Guid.NewGuid():N}"[..16];
        var type = $"t_{Guid.NewGuid():N}"[..14];
        var customer = $"cust-{Guid.NewGuid():N}"[..20];
        using (var admin = Client(DashboardServer.AdminKey))
        {
            var definition = $$$"""{"url":"{{{_hook.Hook}}}","filter":{"events":["{{{type}}}"]}}""";
            using var defined = await admin.PutAsync($"/v1/destinations/{destination}", new StringContent(definition, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, defined.StatusCode);
        }

        var page = await SignedIn(DashboardServer.AdminKey);
        await page.GetByTestId("watch-input").FillAsync(customer);
        await page.GetByTestId("watch-input").PressAsync("Enter");
        var told = page.GetByTestId("told-card");
        await Expect(told).ToContainTextAsync("No destination was told anything about this customer recently.", new() { Timeout = 15_000 });

        Assert.Equal(HttpStatusCode.Accepted, await Post(type, customer));

        var delivery = told.Locator($"li[data-destination='{destination}']");
        await Expect(delivery).ToHaveAttributeAsync("data-status", "delivered", new() { Timeout = 15_000 });
        await Expect(delivery).ToContainTextAsync("Event");
        await Expect(delivery.GetByTestId("told-status")).ToHaveTextAsync("Delivered · 2 attempts");
        var (id, status) = _hook.Received.Last();
        Assert.Equal(200, status);
        Assert.Equal([id, id], _hook.Received.Select(received => received.Id));
        await Expect(delivery).ToHaveAttributeAsync("data-delivery-id", id);

        await page.GetByTestId("destinations-open").ClickAsync();
        var view = page.GetByTestId("destinations-view");
        await Expect(view).ToBeVisibleAsync();
        var row = view.Locator($"li[data-destination='{destination}']");
        await Expect(row.Locator("[data-figure='delivered'] dd")).ToHaveTextAsync("1", new() { Timeout = 10_000 });
        await Expect(row.Locator("[data-figure='failed'] dd")).ToHaveTextAsync("1");
        await Expect(row.Locator("[data-figure='retrying'] dd")).ToHaveTextAsync("0");
        await Expect(row.Locator("[data-figure='dead-lettered'] dd")).ToHaveTextAsync("0");
        await Expect(row.Locator("[data-figure='waiting'] dd")).ToHaveTextAsync("0");
        // One delivery: every percentile is its latency (never above the slowest seen).
        await Expect(row.Locator("[data-figure='latency'] dd")).ToHaveTextAsync(new Regex(@"^(\d+ ms|\d+(\.\d)? s) · \1 · \1$"));
        await Expect(row.GetByTestId("destination-error")).ToContainTextAsync("the destination answered HTTP 500");
        Directory.CreateDirectory("TestResults");
        await page.ScreenshotAsync(new() { Path = Path.Combine("TestResults", "destinations-view.png") });

        await view.GetByTestId("destinations-close").ClickAsync();
        await Expect(view).ToBeHiddenAsync();

        // An agent sees the card's deliveries, and is not offered the destinations view.
        var agent = await SignedIn(DashboardServer.AgentKey);
        await agent.GetByTestId("watch-input").FillAsync(customer);
        await agent.GetByTestId("watch-input").PressAsync("Enter");
        await Expect(agent.GetByTestId("told-card").Locator($"li[data-delivery-id='{id}']")).ToHaveAttributeAsync("data-status", "delivered", new() { Timeout = 15_000 });
        await Expect(agent.GetByTestId("agent-name")).ToHaveTextAsync("Browser Agent");
        await Expect(agent.GetByTestId("destinations-open")).ToBeHiddenAsync();
    }

    private async Task<IPage> SignedIn(string key)
    {
        _context ??= await browser.Chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 900 } });
        var page = await _context.NewPageAsync();
        await page.GotoAsync(_server.BaseAddress.ToString());
        await page.GetByTestId("signin-key").FillAsync(key);
        await page.GetByTestId("signin-submit").ClickAsync();
        await Expect(page.GetByTestId("connection-state")).ToHaveTextAsync("connected", new() { Timeout = 15_000 });
        return page;
    }

    private async Task<HttpStatusCode> Post(string type, string customer)
    {
        using var producer = Client(DashboardServer.ProducerKey);
        var json = $$"""{"id":"{{Guid.NewGuid()}}","type":"{{type}}","customerId":"{{customer}}","channel":"web"}""";
        using var response = await producer.PostAsync("/v1/events", new StringContent(json, Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    private HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = _server.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}
