using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using ProfileGrid.Testing;

namespace ProfileGrid.Dashboard.Tests;

/// <summary>The real gateway on Kestrel at a free loopback port, serving the built dashboard from its wwwroot.</summary>
public sealed class DashboardServer : WebApplicationFactory<Program>
{
    public const string AgentKey = "browser-agent-key-0001";
    public const string ProducerKey = "browser-producer-key-0001";
    public const string AdminKey = "browser-admin-key-0001";

    /// <summary>An agent key with the <c>pii</c> scope: it sees identity traits and identifiers unmasked.</summary>
    public const string PiiAgentKey = "browser-pii-agent-key-0001";

    private readonly int _port = FreePort.Next();

    public DashboardServer() => UseKestrel(_port);

    public Uri BaseAddress => new($"http://127.0.0.1:{_port}/");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("urls", BaseAddress.ToString());
        builder.UseSetting("ProfileGrid:Silo:SiloPort", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("ProfileGrid:Silo:GatewayPort", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("ProfileGrid:ApiKeys:0:Key", AgentKey);
        builder.UseSetting("ProfileGrid:ApiKeys:0:Name", "Browser Agent");
        builder.UseSetting("ProfileGrid:ApiKeys:0:Role", "agent");
        builder.UseSetting("ProfileGrid:ApiKeys:1:Key", ProducerKey);
        builder.UseSetting("ProfileGrid:ApiKeys:1:Name", "Browser Producer");
        builder.UseSetting("ProfileGrid:ApiKeys:1:Role", "producer");
        builder.UseSetting("ProfileGrid:ApiKeys:2:Key", AdminKey);
        builder.UseSetting("ProfileGrid:ApiKeys:2:Name", "Browser Admin");
        builder.UseSetting("ProfileGrid:ApiKeys:2:Role", "admin");
        builder.UseSetting("ProfileGrid:ApiKeys:3:Key", PiiAgentKey);
        builder.UseSetting("ProfileGrid:ApiKeys:3:Name", "Browser PII Agent");
        builder.UseSetting("ProfileGrid:ApiKeys:3:Role", "agent");
        builder.UseSetting("ProfileGrid:ApiKeys:3:Scopes:0", "pii");
    }

}
