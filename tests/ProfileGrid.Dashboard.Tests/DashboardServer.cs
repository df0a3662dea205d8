using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ProfileGrid.Dashboard.Tests;

/// <summary>The real gateway on Kestrel at a free loopback port, serving the built dashboard from its wwwroot.</summary>
public sealed class DashboardServer : WebApplicationFactory<Program>
{
    public const string AgentKey = "browser-agent-key-0001";
    public const string ProducerKey = "browser-producer-key-0001";

    private readonly int _port = FreePort();

    public DashboardServer() => UseKestrel(_port);

    public Uri BaseAddress => new($"http://127.0.0.1:{_port}/");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("urls", BaseAddress.ToString());
        builder.UseSetting("ProfileGrid:Silo:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("ProfileGrid:Silo:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("ProfileGrid:ApiKeys:0:Key", AgentKey);
        builder.UseSetting("ProfileGrid:ApiKeys:0:Name", "Browser Agent");
        builder.UseSetting("ProfileGrid:ApiKeys:0:Role", "agent");
        builder.UseSetting("ProfileGrid:ApiKeys:1:Key", ProducerKey);
        builder.UseSetting("ProfileGrid:ApiKeys:1:Name", "Browser Producer");
        builder.UseSetting("ProfileGrid:ApiKeys:1:Role", "producer");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
