using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ProfileGrid.Gateway.Hosting;

/// <summary>
/// In Development, says where the gateway listens. Never a key: no log line holds one (<c>scripts/run.sh</c> prints
/// the development keys from appsettings.Development.json itself).
/// </summary>
internal sealed partial class StartupBanner(
    IHostApplicationLifetime lifetime,
    IServer server,
    IHostEnvironment environment,
    ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment()) return Task.CompletedTask;
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses) LogListening(logger, address);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "ProfileGrid gateway listening on {Address}")]
    private static partial void LogListening(ILogger logger, string address);
}
