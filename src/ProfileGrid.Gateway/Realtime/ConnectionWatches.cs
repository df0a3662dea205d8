namespace ProfileGrid.Gateway.Realtime;

/// <summary>Which customers each SignalR connection watches, at most <see cref="MaxCustomersPerConnection"/> at once.</summary>
public sealed class ConnectionWatches
{
    /// <summary>More than a screen of customers; a connection asking for more is a script, not an agent.</summary>
    public const int MaxCustomersPerConnection = 100;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<string>> _byConnection = new(StringComparer.Ordinal);

    /// <returns>False when the connection watches <see cref="MaxCustomersPerConnection"/> other customers already.</returns>
    public bool TryAdd(string connectionId, string customerId)
    {
        lock (_lock)
        {
            if (!_byConnection.TryGetValue(connectionId, out var customers)) _byConnection[connectionId] = customers = new(StringComparer.Ordinal);
            if (customers.Contains(customerId)) return true;
            if (customers.Count >= MaxCustomersPerConnection) return false;
            customers.Add(customerId);
            return true;
        }
    }

    public void Remove(string connectionId, string customerId)
    {
        lock (_lock)
        {
            if (_byConnection.TryGetValue(connectionId, out var customers)) customers.Remove(customerId);
        }
    }

    /// <summary>Forgets a connection that closed; returns the customers it watched.</summary>
    public string[] RemoveConnection(string connectionId)
    {
        lock (_lock) return _byConnection.Remove(connectionId, out var customers) ? [.. customers] : [];
    }
}
