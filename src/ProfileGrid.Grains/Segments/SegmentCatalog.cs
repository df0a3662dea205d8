using ProfileGrid.Customers;

namespace ProfileGrid.Segments;

/// <summary>
/// The segment definitions as this process uses them, read from the registry grain and kept for
/// <see cref="Freshness"/>: customers evaluate them on every write, gateways on every read and push, and one grain
/// must not see all of that. A definition made through this process is used at once; one made elsewhere within
/// <see cref="Freshness"/>.
/// </summary>
public sealed class SegmentCatalog(IGrainFactory grains, TimeProvider clock)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);

    private volatile Snapshot? _current;
    private Task? _refreshing;
    private Task<Snapshot>? _reading;

    private ISegmentRegistryGrain Registry => grains.GetGrain<ISegmentRegistryGrain>(ISegmentRegistryGrain.Key);

    /// <summary>The definitions, read again when older than <see cref="Freshness"/> (callers meanwhile share one read).</summary>
    public async ValueTask<IReadOnlyList<Segment>> CurrentAsync()
    {
        var current = _current;
        if (current is not null && clock.GetUtcNow() - current.ReadAt < Freshness) return current.Segments;
        var reading = _reading;
        if (reading is null || reading.IsCompleted) _reading = reading = ReadAsync();
        return (await reading).Segments;
    }

    /// <summary>
    /// The definitions as last read, without waiting (for pushes and writes, which never wait on the registry); a
    /// read is started in the background when they are stale. Null until the first read completes: "no segments
    /// known yet" must not read as "in no segment".
    /// </summary>
    public IReadOnlyList<Segment>? Cached()
    {
        var current = _current;
        if (current is null || clock.GetUtcNow() - current.ReadAt >= Freshness)
        {
            if (_refreshing is null || _refreshing.IsCompleted) _refreshing = Task.Run(async () => await ReadAsync());
        }

        return current?.Segments;
    }

    /// <summary>The definitions, read again unless they hold <paramref name="definition"/> or a later one of its name (for back-fills, which must not miss a definition just made elsewhere).</summary>
    public async ValueTask<IReadOnlyList<Segment>> AtLeastAsync(SegmentDefinition definition)
    {
        var current = await CurrentAsync();
        foreach (var segment in current)
        {
            if (segment.Definition.Name == definition.Name && segment.Definition.DefinedAt >= definition.DefinedAt) return current;
        }

        return (await ReadAsync()).Segments;
    }

    public async Task<SegmentDefinition> DefineAsync(string name, string rule, string? description, string definedBy)
    {
        var definition = await Registry.Define(name, rule, description, definedBy);
        await ReadAsync();
        return definition;
    }

    public async ValueTask<Segment?> FindAsync(string name) =>
        (await CurrentAsync()).FirstOrDefault(segment => string.Equals(segment.Definition.Name, name, StringComparison.Ordinal));

    /// <summary>The segments the profile is in now, each with why.</summary>
    public static SegmentMembership[] Evaluate(IReadOnlyList<Segment>? segments, CustomerProfile profile)
    {
        if (segments is null) return [];
        var memberships = new List<SegmentMembership>();
        foreach (var segment in segments)
        {
            var (matches, reasons) = RuleEvaluator.Evaluate(segment.Rule, profile);
            if (matches) memberships.Add(new SegmentMembership(segment.Definition.Name, [.. reasons]));
        }

        return [.. memberships];
    }

    private async Task<Snapshot> ReadAsync()
    {
        var definitions = await Registry.List();
        var snapshot = new Snapshot(clock.GetUtcNow(), [.. definitions.Select(d => new Segment(d, RuleParser.Parse(d.Rule)))]);
        _current = snapshot;
        return snapshot;
    }

    private sealed record Snapshot(DateTimeOffset ReadAt, Segment[] Segments);
}

/// <summary>A definition and its rule, read; and how often time alone may change whether a customer is in it.</summary>
public sealed record Segment(SegmentDefinition Definition, SegmentRule Rule)
{
    /// <summary>Null when only events and traits can change membership (no window, recency or time-based score in the rule).</summary>
    public TimeSpan? RecheckPeriod { get; } = SegmentTiming.RecheckPeriod(Rule);
}

/// <summary>A segment a customer is in, and the values that put them there.</summary>
public sealed record SegmentMembership(string Name, string[] Reasons);
