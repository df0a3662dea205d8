using System.Globalization;
using CsCheck;
using Xunit.Abstractions;

namespace ProfileGrid.Simulation.Tests;

/// <summary>
/// The model-based simulation of issue 25: random histories of the whole customer lifecycle (events with retries,
/// refunds and late timestamps, traits, consent, identify and alias over overlapping identifiers, erasure, segment
/// redefinitions, clock advances past window edges, deactivations, storage failing half-way) run against a cluster
/// and the reference model, checked after every step. CsCheck generates the histories from a seed; a failing one is
/// shrunk to a smaller failing history and printed with the seed that reproduces it. The test command runs a fixed
/// seed and <see cref="Histories"/> histories per storage; <c>./scripts/simulate.sh --histories N --seed S</c> runs more
/// (environment <c>PROFILEGRID_SIM_HISTORIES</c>, <c>PROFILEGRID_SIM_SEED</c>, <c>PROFILEGRID_SIM_STORAGE</c>).
/// </summary>
public abstract class SimulationTests(SimulatedCluster cluster, ITestOutputHelper output)
{
    /// <summary>Histories per storage in the test command.</summary>
    public const int Histories = 200;

    /// <summary>The test command's seed: the same histories every run.</summary>
    public const string Seed = "0N0XIzNsQ0O2";

    protected async Task RunAsync()
    {
        var histories = int.TryParse(Environment.GetEnvironmentVariable("PROFILEGRID_SIM_HISTORIES"), CultureInfo.InvariantCulture, out var n) ? n : Histories;
        var seed = Environment.GetEnvironmentVariable("PROFILEGRID_SIM_SEED") is { Length: > 0 } given ? given : Seed;
        var segments = await cluster.SegmentsAsync();
        var started = DateTimeOffset.UtcNow;
        var steps = 0;
        await History.Generator(50, 70).SampleAsync(async history =>
        {
            await new HistoryRunner(cluster, segments).RunAsync(history);
            Interlocked.Add(ref steps, history.Steps.Length);
        }, writeLine: output.WriteLine, seed: seed, iter: histories, threads: 1, print: history => history.ToString());
        output.WriteLine($"{histories} histories, {steps} steps, on {(cluster.UsesAzurite ? "Azurite" : "memory storage")} in {(DateTimeOffset.UtcNow - started).TotalSeconds:0} s (seed {seed})");
    }
}

public sealed class MemorySimulationTests(MemorySimulationTests.Cluster cluster, ITestOutputHelper output)
    : SimulationTests(cluster, output), IClassFixture<MemorySimulationTests.Cluster>
{
    [Fact]
    public Task Random_histories_agree_with_the_model_on_memory_storage() =>
        Environment.GetEnvironmentVariable("PROFILEGRID_SIM_STORAGE") is "azurite" ? Task.CompletedTask : RunAsync();

    public sealed class Cluster() : SimulatedCluster(azurite: false);
}

public sealed class AzuriteSimulationTests(AzuriteSimulationTests.Cluster cluster, ITestOutputHelper output)
    : SimulationTests(cluster, output), IClassFixture<AzuriteSimulationTests.Cluster>
{
    [Fact]
    public Task Random_histories_agree_with_the_model_on_Azurite() =>
        Environment.GetEnvironmentVariable("PROFILEGRID_SIM_STORAGE") is "memory" ? Task.CompletedTask : RunAsync();

    public sealed class Cluster() : SimulatedCluster(azurite: true);
}
