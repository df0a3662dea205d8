using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using ProfileGrid.Gateway.Security;

namespace ProfileGrid.Gateway.Hosting;

/// <summary>In Development, prints where the gateway listens and the development keys, so a first run can be used at once.</summary>
internal sealed partial class StartupBanner(
    IHostApplicationLifetime lifetime,
    IServer server,
    IHostEnvironment environment,
    IOptions<ApiKeysOptions> keys,
    ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment()) return Task.CompletedTask;
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses) LogListening(logger, address);
            foreach (var key in keys.Value.ApiKeys) LogKey(logger, key.Role, key.Name, key.Key);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "ProfileGrid gateway listening on {Address}")]
    private static partial void LogListening(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Development API key ({Role}, {Name}): X-Api-Key: {Key}")]
    private static partial void LogKey(ILogger logger, ApiRole role, string name, string key);
}
