namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// When the gateway last dispatched live events (<see cref="EventDispatcher"/>), so that work which must give way to
/// them (bulk imports, <see cref="Importing.ImportLimiter"/>) knows whether anyone is waiting for the gateway now.
/// </summary>
internal sealed class LiveTraffic(TimeProvider clock)
{
    /// <summary>How long after the last live request traffic still counts as present: a closed-loop producer posts again within it.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private long _lastSeen = long.MinValue;

    /// <summary>A live request is being dispatched.</summary>
    public void Seen() => Volatile.Write(ref _lastSeen, clock.GetTimestamp());

    /// <summary>Whether a live request came within <see cref="Window"/>.</summary>
    public bool Present
    {
        get
        {
            var last = Volatile.Read(ref _lastSeen);
            return last != long.MinValue && clock.GetElapsedTime(last) < Window;
        }
    }
}
