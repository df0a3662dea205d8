using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using ProfileGrid.Testing;

namespace ProfileGrid.Gateway.Tests;

/// <summary>The gateway on a real Kestrel listener at a free loopback port: real sockets, real TCP back-pressure.</summary>
public sealed class KestrelGatewayFixture : GatewayFixture, IAsyncLifetime
{
    private readonly int _port = FreePort.Next();

    public KestrelGatewayFixture() => UseKestrel(_port);

    public Uri BaseAddress => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_port}/"));

    public HttpClient Http(string? key)
    {
        var http = new HttpClient { BaseAddress = BaseAddress };
        if (key is not null) http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("urls", BaseAddress.ToString());
    }

    public Task InitializeAsync()
    {
        StartServer();
        return Task.CompletedTask;
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
}
