using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ProfileGrid.Dashboard.Tests;

public sealed class AgentDashboardTests(Browser browser, ITestOutputHelper output) : IClassFixture<Browser>, IAsyncLifetime
{
    private readonly DashboardServer _server = new();
    private IBrowserContext _context = null!;
    private IPage _page = null!;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _requestUrls = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _webSocketUrls = new();

    public async Task InitializeAsync()
    {
        _server.StartServer();
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_context is not null) await _context.DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task<HttpStatusCode> Post(string json)
    {
        using var http = new HttpClient { BaseAddress = _server.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", DashboardServer.ProducerKey);
        return (await http.PostAsync("/v1/events", new StringContent(json, Encoding.UTF8, "application/json"))).StatusCode;
    }

    private async Task OpenSignedIn()
    {
        _context = await browser.Chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        _page = await _context.NewPageAsync();
        _page.Request += (_, request) => _requestUrls.Enqueue(request.Url);
        _page.WebSocket += (_, socket) => _webSocketUrls.Enqueue(socket.Url);
        await _page.GotoAsync(_server.BaseAddress.ToString());
        await _page.GetByTestId("signin-key").FillAsync(DashboardServer.AgentKey);
        await _page.GetByTestId("signin-submit").ClickAsync();
        await Expect(_page.GetByTestId("connection-state")).ToHaveTextAsync("connected", new() { Timeout = 15_000 });
    }

    [Fact]
    public async Task An_agent_signs_in_watches_a_customer_and_sees_a_new_event_within_a_second()
    {
        await OpenSignedIn();
        var customer = $"cust-{Guid.NewGuid():N}"[..20];

        await _page.GetByTestId("watch-input").FillAsync(customer);
        await _page.GetByTestId("watch-input").PressAsync("Enter");
        await Expect(_page.GetByTestId("watched-list")).ToContainTextAsync(customer);
        // The list shows the customer at once; the watch holds once the hub has answered, which the page says.
        await Expect(_page.GetByText($"Nothing is known about {customer} yet. You are watching")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        using (var admin = new HttpClient { BaseAddress = _server.BaseAddress })
        {
            admin.DefaultRequestHeaders.Add("X-Api-Key", DashboardServer.AdminKey);
            using var defined = await admin.PutAsync("/v1/segments/buyers_today",
                new StringContent("""{"rule":"purchase.24h >= 1"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, defined.StatusCode);
        }

        var eventId = Guid.NewGuid().ToString();
        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.Accepted, await Post(
            $$"""{"id":"{{eventId}}","type":"purchase","customerId":"{{customer}}","value":42.5,"channel":"web","properties":{"sku":"A-1"} }"""));

        var item = _page.GetByTestId("timeline").Locator($"[data-event-id='{eventId}']");
        await Expect(item).ToBeVisibleAsync(new() { Timeout = 1_000 });
        await Expect(_page.GetByTestId("counter-purchase-1h")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^1"), new() { Timeout = 1_000 });
        output.WriteLine($"event accepted -> shown in timeline and counters: {clock.ElapsedMilliseconds} ms");

        await Expect(_page.GetByTestId("counter-purchase-total")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^1"));
        // The value scores on the card follow the purchase live: one order of 42.50, today.
        await Expect(_page.GetByTestId("value-tier")).ToHaveTextAsync("Bronze");
        await Expect(_page.GetByTestId("value-clv")).ToContainTextAsync("42.50");
        await Expect(_page.GetByTestId("value-rfm")).ToHaveTextAsync("R5 F1 M1");
        // The customer entered the segment with the purchase; the card says why.
        await Expect(_page.GetByTestId("segments").Locator("[data-segment='buyers_today']")).ToContainTextAsync("purchase.24h = 1");
        Directory.CreateDirectory("TestResults");
        await _page.ScreenshotAsync(new() { Path = Path.Combine("TestResults", "dashboard.png") });
        await Expect(_page.GetByTestId("live-feed").Locator($"[data-event-id='{eventId}']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_agent_finds_a_customer_by_email()
    {
        await OpenSignedIn();
        var customer = $"cust-{Guid.NewGuid():N}"[..20];
        var email = $"ann.{Guid.NewGuid():N}@example.com";
        using (var producer = new HttpClient { BaseAddress = _server.BaseAddress })
        {
            producer.DefaultRequestHeaders.Add("X-Api-Key", DashboardServer.ProducerKey);
            using var set = await producer.PatchAsync($"/v1/customers/{customer}/traits",
                new StringContent($$"""{"email":"{{email}}"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        await _page.GetByTestId("watch-input").FillAsync(email.ToUpperInvariant());
        await _page.GetByTestId("watch-input").PressAsync("Enter");
        await Expect(_page.GetByTestId("watched-list")).ToContainTextAsync(customer);

        await _page.GetByTestId("watch-input").FillAsync("nobody@example.com");
        await _page.GetByTestId("watch-input").PressAsync("Enter");
        await Expect(_page.Locator("#watch-error")).ToHaveTextAsync("No customer has the email nobody@example.com.");
    }

    [Fact]
    public async Task An_identify_shows_on_the_card_the_identifiers_it_linked_and_the_anonymous_profile_it_merged_in()
    {
        await OpenSignedIn();
        var customer = $"cust-{Guid.NewGuid():N}"[..20];
        var anonymous = $"a-{Guid.NewGuid():N}"[..20];
        var device = $"device:d-{Guid.NewGuid():N}"[..24];
        Assert.Equal(HttpStatusCode.Accepted, await Post($$"""{"id":"{{Guid.NewGuid()}}","type":"page_view","anonymousId":"{{anonymous}}","channel":"web"}"""));
        await _page.GetByTestId("watch-input").FillAsync(customer);
        await _page.GetByTestId("watch-input").PressAsync("Enter");
        await Expect(_page.GetByText($"Nothing is known about {customer} yet. You are watching")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        using (var producer = new HttpClient { BaseAddress = _server.BaseAddress })
        {
            producer.DefaultRequestHeaders.Add("X-Api-Key", DashboardServer.ProducerKey);
            using var identified = await producer.PostAsync("/v1/identify", new StringContent(
                $$"""{"customerId":"{{customer}}","anonymousId":"{{anonymous}}","identifiers":["{{device}}"],"traits":{"email":"ann@example.com"} }""",
                Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, identified.StatusCode);
        }

        // Live: the card shows the identifiers (the email masked, as this key has no pii scope) and who merged what.
        var identifiers = _page.GetByTestId("identifiers");
        await Expect(identifiers.Locator($"[data-identifier='anon:{anonymous}']")).ToHaveTextAsync($"anon:{anonymous}", new() { Timeout = 10_000 });
        await Expect(identifiers.Locator($"[data-identifier='{device}']")).ToHaveTextAsync(device);
        await Expect(identifiers.Locator("[data-identifier='email:a•••@•••']")).ToBeVisibleAsync();
        var merge = _page.GetByTestId("merges").Locator($"[data-merge-from='anon:{anonymous}']");
        await Expect(merge).ToContainTextAsync($"anon:{anonymous}");
        await Expect(merge).ToContainTextAsync("by Browser Producer");
        // The anonymous page view came along with the merge.
        await Expect(_page.GetByTestId("counter-page_view-total")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^1"));
    }

    [Fact]
    public async Task The_key_never_appears_in_a_url_the_websocket_carries_a_token_and_the_hub_names_the_agent()
    {
        await OpenSignedIn();
        await _page.GetByTestId("watch-input").FillAsync("cust-url-check");
        await _page.GetByTestId("watch-input").PressAsync("Enter");
        await Expect(_page.GetByTestId("agent-name")).ToHaveTextAsync("Browser Agent");

        var socket = Assert.Single(_webSocketUrls);
        Assert.StartsWith($"ws://127.0.0.1:{_server.BaseAddress.Port}/hubs/agents?id=", socket, StringComparison.Ordinal);
        var token = System.Web.HttpUtility.ParseQueryString(new Uri(socket).Query)["access_token"];
        Assert.Equal(3, token?.Split('.').Length);
        Assert.DoesNotContain(DashboardServer.AgentKey, socket, StringComparison.Ordinal);
        Assert.Contains(_requestUrls, url => url.EndsWith("/v1/auth/token", StringComparison.Ordinal));
        Assert.All(_requestUrls, url => Assert.DoesNotContain(DashboardServer.AgentKey, url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_key_is_refused_at_sign_in()
    {
        _context = await browser.Chromium.NewContextAsync();
        _page = await _context.NewPageAsync();
        await _page.GotoAsync(_server.BaseAddress.ToString());

        await _page.GetByTestId("signin-key").FillAsync(DashboardServer.ProducerKey);
        await _page.GetByTestId("signin-submit").ClickAsync();

        await Expect(_page.GetByTestId("signin-key")).ToBeVisibleAsync();
        await Expect(_page.GetByTestId("watch-input")).Not.ToBeVisibleAsync();
    }
}
