namespace ProfileGrid.Gateway.Realtime;

/// <summary>
/// The customers this gateway process watches: for each, the connections watching it with their agents' names,
/// and its <see cref="PushLedger"/>. One entry is one grain subscription, however many connections share it.
/// </summary>
public sealed class CustomerSubscriptions
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Subscription> _byCustomer = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;

    public CustomerSubscriptions(TimeProvider clock, RealtimeMetrics metrics)
    {
        _clock = clock;
        metrics.ObserveWatchedCustomers(() =>
        {
            lock (_lock) return _byCustomer.Count;
        });
    }

    /// <summary>Adds a connection's watch. <see cref="Joined.StartedLedger"/> is set when it starts the subscription.</summary>
    internal Joined Join(string customerId, string connectionId, string agent)
    {
        lock (_lock)
        {
            var first = !_byCustomer.TryGetValue(customerId, out var subscription);
            if (first) _byCustomer[customerId] = subscription = new Subscription(new PushLedger(_clock.GetUtcNow()));
            subscription!.Agents[connectionId] = agent;
            return new Joined(subscription.Viewers(), first ? subscription.Ledger : null);
        }
    }

    /// <summary>The first watcher's snapshot, unless the subscription it started has ended since.</summary>
    internal void Baseline(string customerId, PushLedger ledger, long seq)
    {
        lock (_lock)
        {
            if (_byCustomer.TryGetValue(customerId, out var subscription) && subscription.Ledger == ledger) ledger.Baseline(seq);
        }
    }

    /// <summary>Removes a connection's watch; says whether it had one and, unless it was the last, who still watches.</summary>
    internal Left Leave(string customerId, string connectionId)
    {
        lock (_lock)
        {
            if (!_byCustomer.TryGetValue(customerId, out var subscription) || !subscription.Agents.Remove(connectionId)) return new Left(false, null);
            if (subscription.Agents.Count > 0) return new Left(true, subscription.Viewers());
            _byCustomer.Remove(customerId);
            return new Left(true, null);
        }
    }

    public string[] Connections(string customerId)
    {
        lock (_lock) return _byCustomer.TryGetValue(customerId, out var subscription) ? [.. subscription.Agents.Keys] : [];
    }

    /// <summary>Every watched customer with the names of its agents on this gateway, for the renewal.</summary>
    internal (string CustomerId, string[] Viewers)[] All()
    {
        lock (_lock) return [.. _byCustomer.Select(pair => (pair.Key, pair.Value.Viewers()))];
    }

    /// <summary>A grain notification: the connections to tell, and whether its profile goes out (see <see cref="PushLedger.Notified"/>).</summary>
    internal string[] Notified(string customerId, long seq, out bool pushProfile)
    {
        lock (_lock)
        {
            pushProfile = false;
            if (!_byCustomer.TryGetValue(customerId, out var subscription)) return [];
            pushProfile = subscription.Ledger.Notified(seq, _clock.GetUtcNow());
            return [.. subscription.Agents.Keys];
        }
    }

    /// <summary>A renewal's profile: the connections to push it to again, if any (see <see cref="PushLedger.Renewed"/>).</summary>
    internal string[] Renewed(string customerId, long seq, bool hasRecentEvents, TimeSpan rolloverPeriod, out RenewalPush push)
    {
        lock (_lock)
        {
            push = RenewalPush.None;
            if (!_byCustomer.TryGetValue(customerId, out var subscription)) return [];
            push = subscription.Ledger.Renewed(seq, hasRecentEvents, _clock.GetUtcNow(), rolloverPeriod);
            return push == RenewalPush.None ? [] : [.. subscription.Agents.Keys];
        }
    }

    internal readonly record struct Joined(string[] Viewers, PushLedger? StartedLedger);

    internal readonly record struct Left(bool WasWatching, string[]? RemainingViewers);

    private sealed class Subscription(PushLedger ledger)
    {
        public Dictionary<string, string> Agents { get; } = new(StringComparer.Ordinal);

        public PushLedger Ledger { get; } = ledger;

        public string[] Viewers() => [.. new SortedSet<string>(Agents.Values, StringComparer.Ordinal)];
    }
}
