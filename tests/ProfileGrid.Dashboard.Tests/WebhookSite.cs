using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ProfileGrid.Testing;

namespace ProfileGrid.Dashboard.Tests;

/// <summary>
/// A destination's webhook endpoint on a loopback port (Kestrel): <c>POST /hook</c> answers <c>500</c> to the first
/// <c>failFirst</c> requests and <c>200</c> after, and records each request's <c>webhook-id</c> with its answer.
/// </summary>
public sealed class WebhookSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failures;

    private WebhookSite(WebApplication app, Uri hook, int failFirst) => (_app, Hook, _failures) = (app, hook, failFirst);

    public Uri Hook { get; }

    /// <summary>Each request's <c>webhook-id</c> and the status it was answered with, in the order they came.</summary>
    public ConcurrentQueue<(string Id, int Status)> Received { get; } = new();

    public static async Task<WebhookSite> StartAsync(int failFirst = 0)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var site = new WebhookSite(app, new Uri($"http://127.0.0.1:{port}/hook"), failFirst);
        app.MapPost("/hook", (HttpRequest request) =>
        {
            var status = Interlocked.Decrement(ref site._failures) >= 0 ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
            site.Received.Enqueue((request.Headers["webhook-id"].ToString(), status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        return site;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
