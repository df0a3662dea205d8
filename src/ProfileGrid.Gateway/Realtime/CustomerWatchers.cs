using Microsoft.AspNetCore.SignalR;
using ProfileGrid.Customers;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.Problems;
using ProfileGrid.Gateway.Views;

using ProfileGrid.Segments;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>
/// The hub's watches: a connection's watch is checked against its cap, joins the customer's subscription, and
/// (re)subscribes this gateway at the customer's grain with the names of its agents there. The first watcher of a
/// customer starts the subscription and the last one's leaving ends it.
/// </summary>
public sealed partial class CustomerWatchers(
    CustomerGrains customers,
    CustomerPushes pushes,
    CustomerSubscriptions subscriptions,
    ConnectionWatches connections,
    ConnectionOutboxes outboxes,
    RealtimeMetrics metrics,
    SegmentCatalog segments,
    ILogger<CustomerWatchers> logger)
{
    /// <summary>The profile with its seq, for the asking connection only; or null while nothing is known of the customer.</summary>
    public async Task<ProfileView?> WatchAsync(string connectionId, string agent, string customerId)
    {
        if (!connections.TryAdd(connectionId, customerId))
        {
            throw new HubException(
                $"A connection may watch at most {ConnectionWatches.MaxCustomersPerConnection} customers at once; unwatch one before watching another.");
        }

        var joined = subscriptions.Join(customerId, connectionId, agent);
        CustomerProfile? profile;
        try
        {
            profile = await Grain(customerId).Watch(pushes.Reference, joined.Viewers);
        }
        catch (Exception exception) when (UnavailableExceptionHandler.IsTransient(exception))
        {
            metrics.Failed(RealtimeMetrics.Watch);
            throw new HubException("The profile cluster is not reachable right now; the watch is kept and renewed. Retry to get the profile.");
        }
        catch (Exception exception)
        {
            LogWatchFailed(logger, exception, customerId);
            metrics.Failed(RealtimeMetrics.Watch);
            throw new HubException("The profile of this customer cannot be read right now; the watch is kept and renewed. Retry to get the profile.");
        }

        if (profile is not null && joined.StartedLedger is { } ledger) subscriptions.Baseline(customerId, ledger, profile.Seq);
        // The connection may have closed while the grain answered; its clean-up could not see this watch yet.
        if (!outboxes.IsOpen(connectionId)) await UnwatchAsync(connectionId, customerId);
        return profile is null ? null : ProfileView.From(profile, await segments.CurrentAsync());
    }

    public async Task UnwatchAsync(string connectionId, string customerId)
    {
        connections.Remove(connectionId, customerId);
        var left = subscriptions.Leave(customerId, connectionId);
        if (!left.WasWatching) return;
        try
        {
            if (left.RemainingViewers is { } viewers) await Grain(customerId).Watch(pushes.Reference, viewers);
            else await Grain(customerId).Unwatch(pushes.Reference);
        }
        catch (Exception exception)
        {
            // The grain drops a subscription that is not renewed; nothing is lost by leaving it to expire.
            LogUnwatchFailed(logger, exception, customerId);
            metrics.Failed(RealtimeMetrics.Unwatch);
        }
    }

    public async Task DisconnectAsync(string connectionId)
    {
        foreach (var customerId in connections.RemoveConnection(connectionId)) await UnwatchAsync(connectionId, customerId);
    }

    private ICustomerGrain Grain(string customerId) => customers.Get(customerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Watching {CustomerId} failed; the watch is kept and renewed")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception, string customerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unwatching {CustomerId} failed; the grain drops the subscription when it expires")]
    private static partial void LogUnwatchFailed(ILogger logger, Exception exception, string customerId);
}
