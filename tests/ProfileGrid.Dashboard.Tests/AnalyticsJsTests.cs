using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using ProfileGrid.Testing;
using Xunit.Abstractions;

namespace ProfileGrid.Dashboard.Tests;

/// <summary>
/// Segment's analytics.js (<c>@segment/analytics-next</c>, the repository's npm package, its UMD bundle) in headless
/// Chromium, on a shop's page of another origin than the gateway's, sending to the Segment-compatible routes with only
/// its API host changed: the page is the example of docs/sending-events.md.
/// </summary>
public sealed class AnalyticsJsTests(Browser browser, ITestOutputHelper output) : IClassFixture<Browser>, IAsyncLifetime
{
    // The two scripts are the example in docs/sending-events.md, there with PRODUCER_KEY, profilegrid.example.com and
    // https in place of the test's key, gateway and http.
    private const string ShopPage = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Shop</title></head>
        <body>
        <script src="/analytics-next/index.js"></script>
        <script>
          const writeKey = '{{writeKey}}'
          const apiHost = '{{gateway}}/compat/segment/v1'
          const analytics = AnalyticsNext.AnalyticsBrowser.load({ writeKey, cdnSettings: {
            integrations: { 'Segment.io': { apiKey: writeKey, apiHost, protocol: 'http' } },
            metrics: { sampleRate: 0 },
          } })
          analytics.page()
          analytics.track('Order Completed', { revenue: 20 })
        </script>
        </body>
        </html>
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly DashboardServer _gateway = new();
    private ShopSite? _shop;
    private IBrowserContext? _context;

    public Task InitializeAsync()
    {
        _gateway.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_context is not null) await _context.DisposeAsync();
        if (_shop is not null) await _shop.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task A_visitor_tracked_by_analytics_js_on_a_shops_page_becomes_the_customer_who_signs_in()
    {
        var gatewayHost = $"127.0.0.1:{_gateway.BaseAddress.Port}";
        var page = ShopPage.Replace("{{writeKey}}", DashboardServer.ProducerKey, StringComparison.Ordinal)
            .Replace("{{gateway}}", gatewayHost, StringComparison.Ordinal);
        var bundle = Path.Combine(RepoPaths.Root, "node_modules", "@segment", "analytics-next", "dist", "umd");
        Assert.True(File.Exists(Path.Combine(bundle, "index.js")), $"No analytics.js bundle in {bundle}: run `npm ci` in the repository root.");
        _shop = await ShopSite.StartAsync(page, "analytics-next", bundle);
        Assert.NotEqual(_shop.BaseAddress.Port, _gateway.BaseAddress.Port);

        _context = await browser.Chromium.NewContextAsync();
        var shopPage = await _context.NewPageAsync();
        var requests = new ConcurrentQueue<string>();
        var answers = new ConcurrentQueue<(string Path, int Status)>();
        shopPage.Request += (_, request) => requests.Enqueue(request.Url);
        shopPage.Response += (_, response) =>
        {
            if (new Uri(response.Url).AbsolutePath.StartsWith("/compat/segment/v1/", StringComparison.Ordinal))
                answers.Enqueue((new Uri(response.Url).AbsolutePath, response.Status));
        };
        shopPage.Console += (_, message) => output.WriteLine($"console.{message.Type}: {message.Text}");
        await shopPage.GotoAsync(_shop.BaseAddress.ToString());

        // The visitor is anonymous: analytics.js made up an id, and its page view and order go to that profile.
        var anonymousId = await shopPage.EvaluateAsync<string>("async () => (await analytics.user()).anonymousId()");
        Assert.False(string.IsNullOrEmpty(anonymousId));
        var visitor = await Until($"/v1/customers/anon:{anonymousId}", profile => Count(profile, "page_view") == 1 && Count(profile, "order_completed") == 1);
        Assert.Equal($"anon:{anonymousId}", (string?)visitor["customerId"]);

        // The visitor signs in.
        var customer = $"cust-{Guid.NewGuid():N}"[..20];
        var email = $"ann.{Guid.NewGuid():N}"[..12] + "@example.com";
        await shopPage.EvaluateAsync("([id, email]) => analytics.identify(id, { email })", new[] { customer, email });

        var profile = await Until($"/v1/customers/{customer}", profile => profile["merges"] is not null);
        Assert.Equal(1, Count(profile, "page_view"));
        Assert.Equal(1, Count(profile, "order_completed"));
        Assert.Equal(20m, (decimal)profile["counters"]!["order_completed"]!["total"]!["sum"]!);
        Assert.Equal(email, (string?)profile["traits"]!["identity"]!["email"]);
        var merge = Assert.Single(profile["merges"]!.AsArray())!;
        Assert.Equal($"anon:{anonymousId}", (string?)merge["from"]);
        Assert.Equal("Browser Producer", (string?)merge["by"]);
        // The anonymous id now names the customer.
        Assert.Equal(customer, (string?)(await Until($"/v1/customers/anon:{anonymousId}", _ => true))["customerId"]);

        // One call each, each answered 200 across origins; nothing came from Segment's CDN or went to its API.
        Assert.Equal(["/compat/segment/v1/i", "/compat/segment/v1/p", "/compat/segment/v1/t"], answers.Select(answer => answer.Path).Order());
        Assert.All(answers, answer => Assert.Equal(200, answer.Status));
        Assert.All(requests, url => Assert.True(
            url.StartsWith(_shop.BaseAddress.ToString(), StringComparison.Ordinal) || url.StartsWith(_gateway.BaseAddress.ToString(), StringComparison.Ordinal),
            $"a request left for {url}"));
        foreach (var url in requests) output.WriteLine(url);
    }

    private static long Count(JsonNode profile, string type) => (long?)profile["counters"]?[type]?["total"]?["count"] ?? 0;

    /// <summary>The profile at <paramref name="path"/> (as an agent with the <c>pii</c> scope sees it) once <paramref name="done"/> holds.</summary>
    private async Task<JsonNode> Until(string path, Func<JsonNode, bool> done)
    {
        using var http = new HttpClient { BaseAddress = _gateway.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", DashboardServer.PiiAgentKey);
        var deadline = DateTime.UtcNow + Patience;
        string last;
        do
        {
            using var response = await http.GetAsync(path);
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            if (response.StatusCode == HttpStatusCode.OK && JsonNode.Parse(await response.Content.ReadAsStringAsync()) is { } profile && done(profile)) return profile;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        throw new Xunit.Sdk.XunitException($"GET {path} did not show what was expected within {Patience.TotalSeconds} s; last answer: {last}");
    }
}
