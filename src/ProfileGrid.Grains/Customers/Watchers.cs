namespace ProfileGrid.Customers;

/// <summary>
/// The gateway subscriptions of one customer, each with the names of the agents watching through it. A
/// subscription expires unless its gateway renews it within <see cref="Lifetime"/>: a gateway that died stops
/// costing notifications, and a customer that moved to another silo is re-subscribed by the next renewal.
/// Orleans' <c>ObserverManager</c> would track expiry but not the viewers each gateway reports, hence this class.
/// </summary>
internal sealed class Watchers(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    // Created by the first watch: most customers are never watched, and an activation should cost little.
    private Dictionary<ICustomerObserver, (string[] Viewers, DateTimeOffset ExpiresAt)>? _subscriptions;

    public int Count
    {
        get
        {
            RemoveExpired();
            return _subscriptions?.Count ?? 0;
        }
    }

    /// <returns>True when the set of viewers over all gateways changed.</returns>
    public bool Renew(ICustomerObserver observer, string[] viewers)
    {
        var before = AllViewers();
        (_subscriptions ??= [])[observer] = (viewers, clock.GetUtcNow() + Lifetime);
        return !before.AsSpan().SequenceEqual(AllViewers());
    }

    /// <returns>True when the set of viewers over all gateways changed.</returns>
    public bool Remove(ICustomerObserver observer)
    {
        var before = AllViewers();
        return _subscriptions is not null && _subscriptions.Remove(observer) && !before.AsSpan().SequenceEqual(AllViewers());
    }

    /// <summary>Every viewer's name once, in order.</summary>
    public string[] AllViewers()
    {
        if (_subscriptions is null) return [];
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (viewers, _) in _subscriptions.Values) names.UnionWith(viewers);
        return [.. names];
    }

    /// <summary>Calls every live subscription; one-way calls, so nothing here waits on a gateway.</summary>
    public void Notify(Func<ICustomerObserver, Task> notification)
    {
        RemoveExpired();
        if (_subscriptions is null) return;
        foreach (var observer in _subscriptions.Keys)
        {
            try
            {
                _ = notification(observer);
            }
            catch (Exception)
            {
                // A broken reference must not stop the others from being told; it expires unless renewed.
            }
        }
    }

    private void RemoveExpired()
    {
        if (_subscriptions is null) return;
        var now = clock.GetUtcNow();
        List<ICustomerObserver>? expired = null;
        foreach (var (observer, (_, expiresAt)) in _subscriptions)
        {
            if (expiresAt <= now) (expired ??= []).Add(observer);
        }

        if (expired is null) return;
        foreach (var observer in expired) _subscriptions.Remove(observer);
    }
}
