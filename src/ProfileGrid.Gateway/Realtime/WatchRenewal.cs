using Microsoft.Extensions.Options;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>Renews this gateway's subscriptions on a fixed period, so they survive grain moves and silo failures.</summary>
internal sealed class WatchRenewal(CustomerWatchers watchers, IOptions<RealtimeOptions> options, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RenewPeriod, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await watchers.RenewAllAsync(options.Value.RolloverPeriod, stoppingToken);
        }
    }
}
