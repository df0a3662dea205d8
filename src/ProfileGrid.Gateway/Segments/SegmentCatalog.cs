using ProfileGrid.Customers;
using ProfileGrid.Segments;

namespace ProfileGrid.Gateway.Segments;

/// <summary>
/// The segment definitions as this gateway uses them, read from the registry grain and kept for
/// <see cref="Freshness"/>: every profile read and push evaluates them, and one grain must not see every read. A
/// definition made through this gateway is used at once; one made through another gateway within
/// <see cref="Freshness"/>.
/// </summary>
public sealed class SegmentCatalog(IGrainFactory grains, TimeProvider clock)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);

    private volatile Snapshot? _current;
    private Task? _refreshing;

    private ISegmentRegistryGrain Registry => grains.GetGrain<ISegmentRegistryGrain>(ISegmentRegistryGrain.Key);

    /// <summary>The definitions, read again when older than <see cref="Freshness"/>.</summary>
    public async ValueTask<IReadOnlyList<Segment>> CurrentAsync()
    {
        var current = _current;
        if (current is not null && clock.GetUtcNow() - current.ReadAt < Freshness) return current.Segments;
        return (await ReadAsync()).Segments;
    }

    /// <summary>
    /// The definitions as last read, without waiting (for pushes, which never wait); a read is started in the
    /// background when they are stale.
    /// </summary>
    public IReadOnlyList<Segment> Cached()
    {
        var current = _current;
        if (current is null || clock.GetUtcNow() - current.ReadAt >= Freshness)
        {
            if (_refreshing is null || _refreshing.IsCompleted) _refreshing = Task.Run(async () => await ReadAsync());
        }

        return current?.Segments ?? [];
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
    public static SegmentMembership[] Evaluate(IReadOnlyList<Segment> segments, CustomerProfile profile)
    {
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

/// <summary>A definition and its rule, read.</summary>
public sealed record Segment(SegmentDefinition Definition, SegmentRule Rule);

/// <summary>A segment a customer is in, and the values that put them there.</summary>
public sealed record SegmentMembership(string Name, string[] Reasons);
