using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ProfileGrid.Dashboard.Tests;

public sealed class SegmentViewTests(Browser browser, ITestOutputHelper output) : IClassFixture<Browser>, IAsyncLifetime
{
    /// <summary>How long a definition takes to reach every silo's cache (SegmentCatalog.Freshness is 2 s).</summary>
    private static readonly TimeSpan DefinitionSpread = TimeSpan.FromMilliseconds(2500);

    private readonly DashboardServer _server = new();
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public Task InitializeAsync()
    {
        _server.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_context is not null) await _context.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task An_agent_opens_a_segment_and_sees_a_customer_enter_with_its_reason_and_leave()
    {
        var type = $"t_{Guid.NewGuid():N}"[..14];
        var segment = $"seg_{Guid.NewGuid():N}"[..16];
        var rule = $"{type}.1h >= 1 and purchase.1h == 0";
        Assert.Equal(HttpStatusCode.OK, await Define(segment, rule, "Did the test's thing and bought nothing"));
        await Task.Delay(DefinitionSpread);

        await OpenSignedIn();
        await _page.GetByTestId("segment-select").SelectOptionAsync(segment);
        await _page.GetByTestId("segment-open").ClickAsync();
        var view = _page.GetByTestId("segment-view");
        var size = view.GetByTestId("segment-size");
        await Expect(view.GetByTestId("segment-rule")).ToHaveTextAsync(rule, new() { Timeout = 15_000 });
        await Expect(size).ToHaveTextAsync("0");
        await Expect(view.GetByTestId("segment-backfill")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(Not run|Running|Done)"));
        await Expect(view.GetByText("No members yet.")).ToBeVisibleAsync();

        var customer = $"cust-{Guid.NewGuid():N}"[..20];
        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.Accepted, await Post(type, customer));
        var member = view.GetByTestId("segment-members").Locator($"[data-customer-id='{customer}']");
        await Expect(member).ToHaveAttributeAsync("data-state", "in", new() { Timeout = 10_000 });
        output.WriteLine($"event accepted -> customer listed as entered: {clock.ElapsedMilliseconds} ms");
        await Expect(member).ToContainTextAsync($"{type}.1h = 1");
        await Expect(member).ToContainTextAsync("Entered");
        await Expect(size).ToHaveTextAsync("1");

        clock.Restart();
        Assert.Equal(HttpStatusCode.Accepted, await Post("purchase", customer));
        await Expect(member).ToHaveAttributeAsync("data-state", "left", new() { Timeout = 10_000 });
        output.WriteLine($"purchase accepted -> customer marked as left: {clock.ElapsedMilliseconds} ms");
        await Expect(member).ToContainTextAsync("Left");
        await Expect(size).ToHaveTextAsync("0");

        // A member opens its customer's card, as if the agent had typed the id; the segment stays open beside it.
        await member.GetByRole(AriaRole.Button, new() { Name = customer }).ClickAsync();
        await Expect(_page.GetByTestId("watched-list")).ToContainTextAsync(customer);
        await Expect(_page.GetByTestId("counter-purchase-1h")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^1"), new() { Timeout = 15_000 });
        await Expect(view).ToBeVisibleAsync();
        Directory.CreateDirectory("TestResults");
        await _page.ScreenshotAsync(new() { Path = Path.Combine("TestResults", "segment-view.png") });

        await view.GetByTestId("segment-close").ClickAsync();
        await Expect(view).ToBeHiddenAsync();
    }

    [Fact]
    public async Task The_first_page_lists_the_members_there_already_are_and_switching_segments_starts_afresh()
    {
        var type = $"t_{Guid.NewGuid():N}"[..14];
        var first = $"seg_{Guid.NewGuid():N}"[..16];
        var second = $"seg_{Guid.NewGuid():N}"[..16];
        Assert.Equal(HttpStatusCode.OK, await Define(first, $"{type}.1h >= 1"));
        Assert.Equal(HttpStatusCode.OK, await Define(second, $"{type}.1h >= 2"));
        await Task.Delay(DefinitionSpread);
        var customers = Enumerable.Range(0, 3).Select(i => $"cust-{i}-{Guid.NewGuid():N}"[..20]).ToArray();
        foreach (var customer in customers) Assert.Equal(HttpStatusCode.Accepted, await Post(type, customer));
        await WaitForSize(first, customers.Length);

        await OpenSignedIn();
        await _page.GetByTestId("segment-select").SelectOptionAsync(first);
        await _page.GetByTestId("segment-open").ClickAsync();
        var view = _page.GetByTestId("segment-view");
        await Expect(view.GetByTestId("segment-size")).ToHaveTextAsync("3", new() { Timeout = 15_000 });
        var list = view.GetByTestId("segment-members");
        await Expect(list.Locator("li")).ToHaveCountAsync(3);
        foreach (var customer in customers)
            await Expect(list.Locator($"[data-customer-id='{customer}']")).ToHaveAttributeAsync("data-state", "in");

        await _page.GetByTestId("segment-select").SelectOptionAsync(second);
        await _page.GetByTestId("segment-open").ClickAsync();
        await Expect(view.GetByTestId("segment-rule")).ToHaveTextAsync($"{type}.1h >= 2");
        await Expect(view.GetByTestId("segment-size")).ToHaveTextAsync("0");
        await Expect(list.Locator("li")).ToHaveCountAsync(0);

        // The list now follows the second segment: a second event brings this customer into it.
        Assert.Equal(HttpStatusCode.Accepted, await Post(type, customers[0]));
        await Expect(list.Locator($"[data-customer-id='{customers[0]}']"))
            .ToContainTextAsync($"{type}.1h = 2", new() { Timeout = 10_000 });
        await Expect(view.GetByTestId("segment-size")).ToHaveTextAsync("1");
    }

    private async Task OpenSignedIn()
    {
        _context = await browser.Chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 900 } });
        _page = await _context.NewPageAsync();
        await _page.GotoAsync(_server.BaseAddress.ToString());
        await _page.GetByTestId("signin-key").FillAsync(DashboardServer.AgentKey);
        await _page.GetByTestId("signin-submit").ClickAsync();
        await Expect(_page.GetByTestId("connection-state")).ToHaveTextAsync("connected", new() { Timeout = 15_000 });
    }

    private async Task<HttpStatusCode> Define(string name, string rule, string? description = null)
    {
        using var admin = Client(DashboardServer.AdminKey);
        var body = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string?> { ["rule"] = rule, ["description"] = description });
        using var response = await admin.PutAsync($"/v1/segments/{name}", new StringContent(body, Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> Post(string type, string customer)
    {
        using var producer = Client(DashboardServer.ProducerKey);
        var json = $$"""{"id":"{{Guid.NewGuid()}}","type":"{{type}}","customerId":"{{customer}}","channel":"web"}""";
        using var response = await producer.PostAsync("/v1/events", new StringContent(json, Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    /// <summary>Until the segment's size (GET /v1/segments/{name}) is <paramref name="expected"/>: members are announced after the customer's write.</summary>
    private async Task WaitForSize(string segment, int expected)
    {
        using var agent = Client(DashboardServer.AgentKey);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var document = System.Text.Json.JsonDocument.Parse(await agent.GetStringAsync($"/v1/segments/{segment}"));
            var size = document.RootElement.GetProperty("size").GetInt64();
            if (size == expected) return;
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
                throw new TimeoutException($"Segment {segment} holds {size.ToString(CultureInfo.InvariantCulture)} members, not {expected.ToString(CultureInfo.InvariantCulture)}.");
            await Task.Delay(100);
        }
    }

    private HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = _server.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}
