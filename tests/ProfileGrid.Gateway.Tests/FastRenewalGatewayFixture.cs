using Microsoft.AspNetCore.Hosting;

namespace ProfileGrid.Gateway.Tests;

/// <summary>A gateway that renews watches every 200 ms and re-pushes rolling windows every second.</summary>
public class FastRenewalGatewayFixture : GatewayFixture
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ProfileGrid:Realtime:RenewPeriod", "00:00:00.200");
        builder.UseSetting("ProfileGrid:Realtime:RolloverPeriod", "00:00:01");
    }
}
