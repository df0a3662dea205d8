using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Segments;
using ProfileGrid.Gateway.Views;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>
/// This gateway's one observer of every customer it watches: turns grain notifications and renewals into pushes,
/// queued for each watching connection. Nothing here waits on a connection, and nothing one customer's
/// notification does wrong reaches the caller: it is logged, counted, and the next renewal pushes again.
/// </summary>
public sealed partial class CustomerPushes(
    IGrainFactory grains,
    CustomerSubscriptions subscriptions,
    ConnectionOutboxes outboxes,
    RealtimeMetrics metrics,
    SegmentCatalog segments,
    ILogger<CustomerPushes> logger) : ICustomerObserver
{
    private ICustomerObserver? _reference;

    /// <summary>The reference grains call back on; one for the process, however many customers it watches.</summary>
    public ICustomerObserver Reference => _reference ??= grains.CreateObjectReference<ICustomerObserver>(this);

    public Task ProfileChanged(CustomerProfile profile, CustomerEvent[] applied)
    {
        using var span = RealtimeMetrics.Source.StartActivity("push profile");
        span?.SetTag("profilegrid.seq", profile.Seq);
        try
        {
            // Built before the ledger counts the seq as pushed: a profile that cannot be shown must not hide the next one.
            var view = ProfileView.From(profile, segments.Cached());
            var activity = Array.ConvertAll(applied, customerEvent => new ActivityMessage(profile.CustomerId, profile.Seq, ActivityView.From(customerEvent)));
            var connections = subscriptions.Notified(profile.CustomerId, profile.Seq, out var pushProfile);
            span?.SetTag("profilegrid.connections", connections.Length);
            if (pushProfile) outboxes.PostProfile(connections, view, profile.AsOf);
            foreach (var message in activity) outboxes.Post(connections, Pushes.Activity, message);
        }
        catch (Exception exception)
        {
            LogNotificationFailed(logger, exception, profile.CustomerId, profile.Seq);
            metrics.Failed(RealtimeMetrics.ProfileChanged);
        }

        return Task.CompletedTask;
    }

    public Task ProfileErased(string customerId, long seq) =>
        PostToWatchers(customerId, Pushes.Erased, new ErasedMessage(customerId, seq), RealtimeMetrics.ProfileErased);

    public Task ViewersChanged(string customerId, string[] viewers) =>
        PostToWatchers(customerId, Pushes.Viewers, new ViewersMessage(customerId, viewers), RealtimeMetrics.ViewersChanged);

    /// <summary>A renewal's profile: pushed again when a change was missed, or so that rolling windows move on.</summary>
    internal void Renewed(CustomerProfile profile, TimeSpan rolloverPeriod)
    {
        var connections = subscriptions.Renewed(profile.CustomerId, profile.Seq, HasRecentEvents(profile), rolloverPeriod, out var push);
        if (connections.Length == 0) return;
        if (push == RenewalPush.Missed) LogMissed(logger, profile.CustomerId, profile.Seq);
        outboxes.PostProfile(connections, ProfileView.From(profile, segments.Cached()));
    }

    /// <summary>Queues a message for every connection watching the customer; a failure is logged and counted, never thrown.</summary>
    private Task PostToWatchers(string customerId, string method, object message, string operation)
    {
        try
        {
            outboxes.Post(subscriptions.Connections(customerId), method, message);
        }
        catch (Exception exception)
        {
            LogPushFailed(logger, exception, method, customerId);
            metrics.Failed(operation);
        }

        return Task.CompletedTask;
    }

    private static bool HasRecentEvents(CustomerProfile profile)
    {
        foreach (var counter in profile.Counters)
        {
            if (counter.LastDay.Count > 0) return true;
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Error, Message =
        "Pushing the change of {CustomerId} at seq {Seq} failed; its watchers get it with the next change or renewal")]
    private static partial void LogNotificationFailed(ILogger logger, Exception exception, string customerId, long seq);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pushing {Method} to the watchers of {CustomerId} failed; the next change or renewal pushes again")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, string method, string customerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "The change of {CustomerId} to seq {Seq} was not notified; pushed it from the renewal")]
    private static partial void LogMissed(ILogger logger, string customerId, long seq);
}
