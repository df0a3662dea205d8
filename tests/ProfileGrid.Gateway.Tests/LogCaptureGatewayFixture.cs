using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// The gateway with every category of every library logging at Trace into <see cref="Logs"/>, and with
/// <see cref="PoisonedCustomerFilter"/>, so that a test can make a request fail and read what it logged.
/// </summary>
public sealed class LogCaptureGatewayFixture : GatewayFixture
{
    public CapturingLoggerProvider Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IIncomingGrainCallFilter, PoisonedCustomerFilter>());
        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(Logs);
            // A rule for this provider beats the configuration's per-category levels (appsettings.json's Warning).
            logging.AddFilter<CapturingLoggerProvider>(category: null, LogLevel.Trace);
            logging.SetMinimumLevel(LogLevel.Trace);
        });
    }
}
