using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ProfileGrid.Gateway.Tests;

/// <summary>A second gateway process, in client mode, joined to the co-hosted silo of a <see cref="GatewayFixture"/>.</summary>
public sealed class ClientGatewayFactory(int siloGatewayPort) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ProfileGrid:Cluster:Mode", "Client");
        builder.UseSetting("ProfileGrid:Silo:GatewayPort", siloGatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        GatewayFixture.UseTestKeys(builder);
    }
}
