using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Segments;
using ProfileGrid.Simulation.Tests.Model;
using ProfileGrid.Testing;

namespace ProfileGrid.Simulation.Tests;

/// <summary>
/// The segments every history of a cluster shares, each with the model's reading of its rule: one event-driven, two
/// that time moves (entering and leaving), one over the value scores, one over a history type's year and first event
/// (time moves it both ways), and one that takes turns between two rules when
/// a history redefines it (its back-fill must bring every stored customer up to date).
/// </summary>
public sealed class SegmentRules
{
    public const string Turns = "sim-turns";

    private readonly Dictionary<string, ModelRule> _rules = new(StringComparer.Ordinal)
    {
        ["sim-buyers"] = ModelRule.Buyer,
        ["sim-browsing"] = ModelRule.Browsing,
        ["sim-valuable"] = ModelRule.Valuable,
        ["sim-loyal"] = ModelRule.Loyal,
        [Turns] = ModelRule.LookedNotBought,
    };

    public IEnumerable<string> Names => _rules.Keys;

    public ModelRule Current(string segment) => _rules[segment];

    /// <summary>Defines every segment through the silo's own catalog (used at once there) and waits for their back-fills.</summary>
    public async Task DefineAllAsync(SimulatedCluster cluster)
    {
        foreach (var (name, rule) in _rules) await DefineAsync(cluster, name, rule);
    }

    /// <summary>The turning segment gets its other rule, and every stored customer is evaluated for it.</summary>
    public Task TakeTurnAsync(SimulatedCluster cluster)
    {
        var next = _rules[Turns] == ModelRule.LookedNotBought ? ModelRule.Gold : ModelRule.LookedNotBought;
        _rules[Turns] = next;
        return DefineAsync(cluster, Turns, next);
    }

    private static async Task DefineAsync(SimulatedCluster cluster, string name, ModelRule rule)
    {
        var catalog = cluster.SiloServices.GetRequiredService<SegmentCatalog>();
        var definition = await catalog.DefineAsync(name, rule.Text, "simulation", "simulation");
        await Eventually.Async(async () => (await cluster.Grains.GetGrain<ISegmentSweepGrain>(ISegmentSweepGrain.Key).Status(name)).Backfill,
            status => status.State == BackfillState.Done && status.DefinedAt == definition.DefinedAt, $"the back-fill of {name} finished", TimeSpan.FromMinutes(2));
    }
}
