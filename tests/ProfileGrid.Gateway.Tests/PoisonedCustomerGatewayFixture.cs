using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ProfileGrid.Gateway.Tests;

/// <summary>A fast-renewing gateway whose silo fails every watch of a <see cref="PoisonedCustomerFilter"/> customer.</summary>
public sealed class PoisonedCustomerGatewayFixture : FastRenewalGatewayFixture
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IIncomingGrainCallFilter, PoisonedCustomerFilter>());
    }
}
