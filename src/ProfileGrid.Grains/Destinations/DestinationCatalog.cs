namespace ProfileGrid.Destinations;

/// <summary>
/// The destinations as this process uses them, read from the registry grain: every customer write asks which
/// destinations want what it changed, and one grain must not see all of that. Once used, the catalog reads them again
/// every <see cref="RefreshPeriod"/> in the background, so <see cref="Cached"/> (which never waits: a write must not
/// wait on the registry) is at most about <see cref="Freshness"/> old. One defined through this process is used at once.
/// </summary>
public sealed class DestinationCatalog(IGrainFactory grains, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private volatile Snapshot? _current;
    private Task? _refresher;
    private Task<Snapshot>? _reading;

    private IDestinationRegistryGrain Registry => grains.GetGrain<IDestinationRegistryGrain>(IDestinationRegistryGrain.Key);

    /// <summary>The destinations, read again when older than <see cref="Freshness"/> (callers meanwhile share one read).</summary>
    public async ValueTask<IReadOnlyList<DestinationDefinition>> CurrentAsync()
    {
        var current = _current;
        if (current is not null && clock.GetUtcNow() - current.ReadAt < Freshness) return current.Destinations;
        var reading = _reading;
        if (reading is null || reading.IsCompleted) _reading = reading = ReadAsync();
        return (await reading).Destinations;
    }

    /// <summary>The destinations as last read, their rules read, without waiting; null until the first read completes. Starts the background refresh.</summary>
    public IReadOnlyList<Destination>? Cached()
    {
        if (_refresher is null)
        {
            lock (_stopping)
            {
                _refresher ??= Task.Run(RefreshAsync);
            }
        }

        return _current?.Read;
    }

    public async ValueTask<DestinationDefinition?> FindAsync(string name) =>
        (await CurrentAsync()).FirstOrDefault(destination => string.Equals(destination.Name, name, StringComparison.Ordinal));

    public async Task<DestinationDefinition> DefineAsync(DestinationDefinition definition)
    {
        var defined = await Registry.Define(definition);
        await ReadAsync();
        return defined;
    }

    public async Task<bool> RemoveAsync(string name)
    {
        var removed = await Registry.Remove(name);
        await ReadAsync();
        return removed;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task RefreshAsync()
    {
        using var timer = new PeriodicTimer(RefreshPeriod, clock);
        try
        {
            do
            {
                try
                {
                    await ReadAsync();
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The registry is out of reach for now: the destinations as last read stay in use.
                }
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<Snapshot> ReadAsync()
    {
        var definitions = await Registry.List();
        var snapshot = new Snapshot(clock.GetUtcNow(), definitions, Array.ConvertAll(definitions, Destination.Of));
        _current = snapshot;
        return snapshot;
    }

    private sealed record Snapshot(DateTimeOffset ReadAt, DestinationDefinition[] Destinations, Destination[] Read);
}
