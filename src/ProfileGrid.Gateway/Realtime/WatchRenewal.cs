using Microsoft.Extensions.Options;
using ProfileGrid.Customers;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.Problems;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>
/// Renews this gateway's subscriptions on a fixed period, so they survive grain moves and silo failures. Whatever
/// one customer's renewal throws is logged, counted and tried again next round; a round that fails as a whole
/// is too. Nothing here ends the loop but the host stopping.
/// </summary>
internal sealed partial class WatchRenewal(
    CustomerGrains customers,
    CustomerSubscriptions subscriptions,
    CustomerPushes pushes,
    IOptions<RealtimeOptions> options,
    TimeProvider clock,
    RealtimeMetrics metrics,
    ILogger<WatchRenewal> logger) : BackgroundService
{
    private const int Parallelism = 32;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RenewPeriod, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await Parallel.ForEachAsync(subscriptions.All(), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = stoppingToken },
                    async (watch, _) => await RenewAsync(watch.CustomerId, watch.Viewers));
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(logger, exception);
                metrics.Failed(RealtimeMetrics.RenewalRound);
            }
        }
    }

    private async Task RenewAsync(string customerId, string[] viewers)
    {
        try
        {
            var profile = await customers.Get(customerId).Watch(pushes.Reference, viewers);
            if (profile is not null) pushes.Renewed(profile, options.Value.RolloverPeriod);
        }
        catch (Exception exception) when (UnavailableExceptionHandler.IsTransient(exception))
        {
            LogRenewUnavailable(logger, exception, customerId);
            metrics.Failed(RealtimeMetrics.Renew);
        }
        catch (Exception exception)
        {
            LogRenewFailed(logger, exception, customerId);
            metrics.Failed(RealtimeMetrics.Renew);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the watch of {CustomerId} failed, the cluster is unavailable; retrying at the next renewal")]
    private static partial void LogRenewUnavailable(ILogger logger, Exception exception, string customerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Renewing the watch of {CustomerId} failed; retrying at the next renewal")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string customerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A renewal round failed; the next one runs on time")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
