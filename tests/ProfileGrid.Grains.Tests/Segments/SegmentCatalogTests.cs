using System.Reflection;
using Microsoft.Extensions.Time.Testing;
using ProfileGrid.Segments;

namespace ProfileGrid.Grains.Tests.Segments;

/// <summary>How the catalog reads the stored definitions: each rule once, and a stored rule that no longer reads left out, not the catalog.</summary>
public sealed class SegmentCatalogTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeRegistry _registry = new();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly RecordingLogger<SegmentFailures> _log = new();

    private static SegmentDefinition Definition(string name, string rule, int minute = 0) => new(name, rule, null, Now.AddMinutes(minute), "test");

    private async Task<IReadOnlyList<Segment>> ReadAgain(SegmentCatalog catalog)
    {
        _clock.Advance(SegmentCatalog.Freshness + TimeSpan.FromSeconds(1));
        return await catalog.CurrentAsync();
    }

    [Fact]
    public async Task A_stored_rule_that_no_longer_reads_is_left_out_and_reported_once_and_the_others_are_used()
    {
        // 40 nested nots were accepted before the depth limit.
        var deep = Definition("deep", string.Concat(Enumerable.Repeat("not ", 40)) + "orders > 1");
        _registry.Definitions = [Definition("danes", "trait.country == \"DK\""), deep];
        using var catalog = new SegmentCatalog(GrainsWith(_registry), _clock, new SegmentFailures(_log));

        var first = await catalog.CurrentAsync();
        var second = await ReadAgain(catalog);
        _registry.Definitions = [Definition("danes", "trait.country == \"DK\""), Definition("deep", "orders > 1", minute: 1)];
        var third = await ReadAgain(catalog);

        Assert.Equal(["danes"], first.Select(segment => segment.Definition.Name));
        Assert.Equal(["danes"], second.Select(segment => segment.Definition.Name));
        var reported = Assert.Single(_log.Entries);
        Assert.IsType<FormatException>(reported.Exception);
        Assert.Contains("line 1, column 129: the rule nests deeper than 32 levels", reported.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(["danes", "deep"], third.Select(segment => segment.Definition.Name));
    }

    [Fact]
    public async Task An_unchanged_definition_keeps_its_rule_as_read_and_a_changed_one_is_read_again()
    {
        _registry.Definitions = [Definition("danes", "trait.country == \"DK\""), Definition("buyers", "not not orders > 1")];
        using var catalog = new SegmentCatalog(GrainsWith(_registry), _clock, new SegmentFailures(_log));

        var first = await catalog.CurrentAsync();
        _registry.Definitions = [Definition("danes", "trait.country == \"DK\""), Definition("buyers", "orders > 2", minute: 1)];
        var second = await ReadAgain(catalog);

        Assert.Same(first[0], second[0]);
        Assert.Equal("orders > 1", first[1].Rule.ToString());
        Assert.Equal("orders > 2", second[1].Rule.ToString());
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task A_sweep_that_names_a_later_definition_than_the_one_held_gets_the_definitions_read_again()
    {
        _registry.Definitions = [Definition("turns", "trait.plan == \"gold\"")];
        using var catalog = new SegmentCatalog(GrainsWith(_registry), _clock, new SegmentFailures(_log));
        var held = await catalog.CurrentAsync();
        var redefined = Definition("turns", "orders > 1", minute: 1);
        _registry.Definitions = [redefined];

        // Within the freshness: the catalog holds the name, but an older definition of it.
        var cached = await catalog.AtLeastAsync([new SegmentVersion("turns", Now)]);
        var visited = await catalog.AtLeastAsync([new SegmentVersion("turns", redefined.DefinedAt)]);

        Assert.Same(held, cached);
        Assert.Equal("orders > 1", Assert.Single(visited).Rule.ToString());
        Assert.Equal(redefined, visited[0].Definition);
    }

    private static IGrainFactory GrainsWith(ISegmentRegistryGrain registry)
    {
        var grains = DispatchProxy.Create<IGrainFactory, RegistryOnly>();
        ((RegistryOnly)(object)grains).Registry = registry;
        return grains;
    }

    /// <summary>A grain factory that knows only the registry grain.</summary>
    public class RegistryOnly : DispatchProxy
    {
        public ISegmentRegistryGrain? Registry { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.ReturnType == typeof(ISegmentRegistryGrain) ? Registry : throw new NotSupportedException(targetMethod?.Name);
    }

    private sealed class FakeRegistry : ISegmentRegistryGrain
    {
        public SegmentDefinition[] Definitions { get; set; } = [];

        public Task<SegmentDefinition> Define(string name, string rule, string? description, string definedBy) => throw new NotSupportedException();

        public Task<SegmentDefinition[]> List() => Task.FromResult(Definitions);
    }
}
