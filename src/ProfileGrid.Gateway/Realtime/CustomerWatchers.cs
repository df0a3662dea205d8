using Microsoft.AspNetCore.SignalR;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Gateway.Problems;
using ProfileGrid.Gateway.Views;

namespace ProfileGrid.Gateway.Realtime;

/// <summary>
/// This gateway process's watches: for each watched customer exactly one grain subscription (this object, as one
/// observer reference), reference-counted over the SignalR connections watching it; the fan-out to connections is
/// a SignalR group. Grain notifications are one-way, so a slow browser never holds up a grain.
/// </summary>
public sealed partial class CustomerWatchers(IGrainFactory grains, IHubContext<AgentHub> hub, TimeProvider clock, ILogger<CustomerWatchers> logger)
    : ICustomerObserver
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, CustomerWatch> _byCustomer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byConnection = new(StringComparer.Ordinal);
    private ICustomerObserver? _reference;

    private ICustomerObserver Reference => _reference ??= grains.CreateObjectReference<ICustomerObserver>(this);

    public static string Group(string customerId) => "customer:" + customerId;

    public async Task<ProfileView?> WatchAsync(string connectionId, string agent, string customerId)
    {
        string[] viewers;
        lock (_lock)
        {
            if (!_byCustomer.TryGetValue(customerId, out var watch)) _byCustomer[customerId] = watch = new CustomerWatch();
            watch.Agents[connectionId] = agent;
            viewers = watch.Viewers();
            if (!_byConnection.TryGetValue(connectionId, out var customers)) _byConnection[connectionId] = customers = [];
            customers.Add(customerId);
        }

        await hub.Groups.AddToGroupAsync(connectionId, Group(customerId));
        var profile = await Subscribe(customerId, viewers);
        return profile is null ? null : ProfileView.From(profile);
    }

    public async Task UnwatchAsync(string connectionId, string customerId)
    {
        await hub.Groups.RemoveFromGroupAsync(connectionId, Group(customerId));
        string[]? viewers = null;
        lock (_lock)
        {
            if (_byConnection.TryGetValue(connectionId, out var customers)) customers.Remove(customerId);
            if (!_byCustomer.TryGetValue(customerId, out var watch) || !watch.Agents.Remove(connectionId)) return;
            if (watch.Agents.Count == 0) _byCustomer.Remove(customerId);
            else viewers = watch.Viewers();
        }

        try
        {
            var grain = grains.GetGrain<ICustomerGrain>(customerId);
            if (viewers is null) await grain.Unwatch(Reference);
            else await grain.Watch(Reference, viewers);
        }
        catch (Exception exception) when (UnavailableExceptionHandler.IsTransient(exception))
        {
            // The grain drops a subscription that is not renewed; nothing is lost by leaving it to expire.
            LogUnwatchFailed(logger, exception, customerId);
        }
    }

    public async Task DropConnectionAsync(string connectionId)
    {
        string[] customers;
        lock (_lock)
        {
            if (!_byConnection.Remove(connectionId, out var watched)) return;
            customers = [.. watched];
        }

        foreach (var customerId in customers) await UnwatchAsync(connectionId, customerId);
    }

    /// <summary>
    /// Renews every subscription. A customer whose seq moved on without a push (its grain moved and lost the
    /// subscription) gets its current profile pushed; so does one with recent events, so its windows roll forward.
    /// </summary>
    public async Task RenewAllAsync(TimeSpan rolloverPeriod, CancellationToken cancellationToken)
    {
        (string CustomerId, string[] Viewers)[] watches;
        lock (_lock) watches = [.. _byCustomer.Select(pair => (pair.Key, pair.Value.Viewers()))];

        await Parallel.ForEachAsync(watches, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (watch, _) =>
            {
                try
                {
                    var profile = await grains.GetGrain<ICustomerGrain>(watch.CustomerId).Watch(Reference, watch.Viewers);
                    if (profile is not null && ShouldRepush(watch.CustomerId, profile, rolloverPeriod)) await Push(profile, []);
                }
                catch (Exception exception) when (UnavailableExceptionHandler.IsTransient(exception))
                {
                    LogRenewFailed(logger, exception, watch.CustomerId);
                }
            });
    }

    public async Task ProfileChanged(CustomerProfile profile, CustomerEvent[] applied)
    {
        lock (_lock)
        {
            if (!_byCustomer.TryGetValue(profile.CustomerId, out var watch) || profile.Seq <= watch.LastSeq) return;
            watch.LastSeq = profile.Seq;
        }

        await Push(profile, applied);
    }

    public Task ViewersChanged(string customerId, string[] viewers) =>
        hub.Clients.Group(Group(customerId)).SendAsync("viewers", new ViewersMessage(customerId, viewers));

    private async Task<CustomerProfile?> Subscribe(string customerId, string[] viewers)
    {
        CustomerProfile? profile;
        try
        {
            profile = await grains.GetGrain<ICustomerGrain>(customerId).Watch(Reference, viewers);
        }
        catch (Exception exception) when (UnavailableExceptionHandler.IsTransient(exception))
        {
            throw new HubException("The profile cluster is not reachable right now; the watch is kept and renewed. Retry to get the profile.");
        }

        lock (_lock)
        {
            if (profile is not null && _byCustomer.TryGetValue(customerId, out var watch) && profile.Seq > watch.LastSeq)
                watch.LastSeq = profile.Seq;
        }

        return profile;
    }

    private bool ShouldRepush(string customerId, CustomerProfile profile, TimeSpan rolloverPeriod)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (!_byCustomer.TryGetValue(customerId, out var watch)) return false;
            var missed = profile.Seq > watch.LastSeq;
            var rolling = now - watch.LastPushed >= rolloverPeriod && HasRecentEvents(profile);
            if (!missed && !rolling) return false;
            watch.LastSeq = Math.Max(watch.LastSeq, profile.Seq);
            return true;
        }
    }

    private static bool HasRecentEvents(CustomerProfile profile)
    {
        foreach (var counter in profile.Counters)
        {
            if (counter.LastDay.Count > 0) return true;
        }

        return false;
    }

    private async Task Push(CustomerProfile profile, CustomerEvent[] applied)
    {
        lock (_lock)
        {
            if (_byCustomer.TryGetValue(profile.CustomerId, out var watch)) watch.LastPushed = clock.GetUtcNow();
        }

        var group = hub.Clients.Group(Group(profile.CustomerId));
        await group.SendAsync("profileChanged", ProfileView.From(profile));
        foreach (var customerEvent in applied)
            await group.SendAsync("activity", new ActivityMessage(profile.CustomerId, profile.Seq, ActivityView.From(customerEvent)));
    }

    private sealed class CustomerWatch
    {
        public Dictionary<string, string> Agents { get; } = new(StringComparer.Ordinal);

        public long LastSeq { get; set; }

        public DateTimeOffset LastPushed { get; set; }

        public string[] Viewers() => [.. new SortedSet<string>(Agents.Values, StringComparer.Ordinal)];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the watch of {CustomerId} failed; retrying at the next renewal")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string customerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unwatching {CustomerId} failed; the grain drops the subscription when it expires")]
    private static partial void LogUnwatchFailed(ILogger logger, Exception exception, string customerId);
}
