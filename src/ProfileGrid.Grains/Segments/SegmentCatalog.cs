using Microsoft.Extensions.Options;
using ProfileGrid.Counters;
using ProfileGrid.Customers;

namespace ProfileGrid.Segments;

/// <summary>
/// The segment definitions as this process uses them, read from the registry grain: customers evaluate them on every
/// write, gateways on every read and push, and one grain must not see all of that. Once used, the catalog reads them
/// again every <see cref="RefreshPeriod"/> in the background, so that <see cref="Cached"/>, which never waits (a write
/// must not wait on the registry, which may be on a silo that is going away), is at most <see cref="Freshness"/> old
/// while the registry answers. A definition made through this process is used at once; one made elsewhere within
/// <see cref="Freshness"/>. The catalog also says which event types are history types (<see cref="HistoryTypes"/>):
/// those the definitions read a year of, and those configured (<see cref="HistoryOptions"/>).
/// </summary>
public sealed class SegmentCatalog(IGrainFactory grains, TimeProvider clock, SegmentFailures failures, IOptions<HistoryOptions>? history = null) : IDisposable
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private volatile Snapshot? _current;
    private Task? _refresher;
    private Task<Snapshot>? _reading;
    private HashSet<SegmentDefinition> _unreadable = [];
    private readonly string[] _configured = [.. history?.Value.Types ?? []];

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
    /// The definitions as last read, without waiting (for pushes and writes, which never wait on the registry); starts
    /// the background refresh on first use. Null until the first read completes: "no segments known yet" must not
    /// read as "in no segment".
    /// </summary>
    public IReadOnlyList<Segment>? Cached()
    {
        if (_refresher is null)
        {
            lock (_stopping)
            {
                _refresher ??= Task.Run(RefreshAsync);
            }
        }

        return _current?.Segments;
    }

    /// <summary>
    /// The history types as of the definitions last read, without waiting; null until the first read completes (a
    /// caller that cannot wait then keeps a year of every type, <see cref="HistoryTypes.All"/>, rather than fold one a
    /// definition reads).
    /// </summary>
    public HistoryTypes? CachedHistory()
    {
        Cached();
        return _current?.History;
    }

    /// <summary>The history types, as of definitions at most <see cref="Freshness"/> old.</summary>
    public async ValueTask<HistoryTypes> HistoryAsync()
    {
        await CurrentAsync();
        return _current!.History;
    }

    /// <summary>
    /// The event types a deployment keeps a year of: those configured (<see cref="HistoryOptions"/>) and those the
    /// rules of <paramref name="definitions"/> read a year of (<c>type.365d</c>, <c>type.sum.365d</c>). A stored rule
    /// that does not read names none.
    /// </summary>
    public static HistoryTypes HistoryOf(IEnumerable<string> configured, IEnumerable<SegmentRule> rules) =>
        HistoryTypes.Of(configured.Concat(rules.SelectMany(Operand.YearTypes)));

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
                    // The registry is unreachable for now: the definitions as last read stay in use, and the next period tries again.
                }
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// The definitions, read again unless they hold every segment of <paramref name="versions"/> as defined then or
    /// later (for sweeps, which must neither miss a definition just made elsewhere nor evaluate a redefined segment's
    /// old rule).
    /// </summary>
    public async ValueTask<IReadOnlyList<Segment>> AtLeastAsync(IReadOnlyCollection<SegmentVersion> versions)
    {
        var current = await CurrentAsync();
        if (Holds(current, versions)) return current;
        return (await ReadAsync()).Segments;
    }

    /// <summary>Whether <paramref name="segments"/> hold every segment of <paramref name="versions"/> as defined then or later.</summary>
    public static bool Holds(IReadOnlyList<Segment> segments, IReadOnlyCollection<SegmentVersion> versions) =>
        versions.All(version => segments.Any(segment =>
            string.Equals(segment.Definition.Name, version.Name, StringComparison.Ordinal) && segment.Definition.DefinedAt >= version.DefinedAt));

    public async Task<SegmentDefinition> DefineAsync(string name, string rule, string? description, string definedBy)
    {
        var definition = await Registry.Define(name, rule, description, definedBy);
        await ReadAsync();
        return definition;
    }

    public async ValueTask<Segment?> FindAsync(string name) =>
        (await CurrentAsync()).FirstOrDefault(segment => string.Equals(segment.Definition.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// The segments the profile is in now, each with why. Each segment is evaluated on its own: one whose rule fails on
    /// this profile is listed as not evaluable (and reported to <see cref="SegmentFailures"/>), and the others still answer.
    /// </summary>
    public static SegmentEvaluation Evaluate(IReadOnlyList<Segment>? segments, CustomerProfile profile)
    {
        if (segments is null) return SegmentEvaluation.None;
        var input = new ProfileRuleInput(profile);
        var memberships = new List<SegmentMembership>();
        List<string>? notEvaluable = null;
        foreach (var segment in segments)
        {
            if (Evaluate(segment, input) is not { } outcome) (notEvaluable ??= []).Add(segment.Definition.Name);
            else if (outcome.Matches) memberships.Add(new SegmentMembership(segment.Definition.Name, [.. outcome.Reasons]));
        }

        return new SegmentEvaluation([.. memberships], notEvaluable?.ToArray());
    }

    /// <summary>One segment on a customer; null when its rule fails on it (reported to <see cref="SegmentFailures"/>).</summary>
    public static RuleOutcome? Evaluate(Segment segment, IRuleInput input)
    {
        try
        {
            return RuleEvaluator.Evaluate(segment.Rule, input);
        }
        catch (Exception exception)
        {
            segment.Failures?.Report(segment.Definition, exception);
            return null;
        }
    }

    /// <summary>
    /// Reads the definitions; a definition read before keeps its <see cref="Segment"/> (its rule is not read again). A
    /// stored rule that no longer reads (one stored before a <see cref="RuleLimits"/> limit existed) is left out, and
    /// reported when first found.
    /// </summary>
    private async Task<Snapshot> ReadAsync()
    {
        var definitions = await Registry.List();
        var known = _current?.Segments.ToDictionary(segment => segment.Definition.Name, StringComparer.Ordinal);
        var segments = new List<Segment>(definitions.Length);
        var unreadable = new HashSet<SegmentDefinition>();
        foreach (var definition in definitions)
        {
            if (known?.GetValueOrDefault(definition.Name) is { } same && same.Definition == definition)
            {
                segments.Add(same);
            }
            else if (RuleParser.TryParseCanonical(definition.Rule, out var rule, out var error))
            {
                segments.Add(new Segment(definition, rule) { Failures = failures });
            }
            else
            {
                unreadable.Add(definition);
                if (!_unreadable.Contains(definition)) failures.Report(definition, new FormatException($"The stored rule does not read: {error}."));
            }
        }

        var snapshot = new Snapshot(clock.GetUtcNow(), [.. segments], HistoryOf(_configured, segments.Select(segment => segment.Rule)));
        (_current, _unreadable) = (snapshot, unreadable);
        return snapshot;
    }

    private sealed record Snapshot(DateTimeOffset ReadAt, Segment[] Segments, HistoryTypes History);
}

/// <summary>A definition and its rule, read; and whether time alone may change whether a customer is in it.</summary>
public sealed record Segment(SegmentDefinition Definition, SegmentRule Rule)
{
    /// <summary>False when only events and traits can change membership (no window, time since, recency or forecast in the rule).</summary>
    public bool MovesWithTime { get; } = RuleTiming.MovesWithTime(Rule);

    /// <summary>Where this process reports a failure to evaluate it: its catalog's (none for a segment made elsewhere, e.g. in a test).</summary>
    internal SegmentFailures? Failures { get; init; }
}

/// <summary>A segment a customer is in, and the values that put them there.</summary>
public sealed record SegmentMembership(string Name, RuleReason[] Reasons);

/// <summary>The segments a profile is in now, and those that could not be evaluated for it (null when none).</summary>
public sealed record SegmentEvaluation(SegmentMembership[] Segments, string[]? NotEvaluable)
{
    public static readonly SegmentEvaluation None = new([], null);
}
