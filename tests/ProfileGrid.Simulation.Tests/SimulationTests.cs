using System.Globalization;
using CsCheck;
using Xunit.Abstractions;

namespace ProfileGrid.Simulation.Tests;

/// <summary>
/// The model-based simulation of issue 25: random histories of the whole customer lifecycle (events with retries,
/// refunds and late timestamps, traits, consent, identify and alias over overlapping identifiers, erasure, segment
/// redefinitions, clock advances past window edges, deactivations, storage failing half-way) run against a cluster
/// and the reference model, checked after every step. CsCheck generates the histories from a seed; a failing one is
/// shrunk to a smaller failing history and printed with the seed that reproduces it. The test command runs the same
/// <see cref="TestCommandHistories"/> histories per storage every run; <c>./scripts/simulate.sh --histories N --seed S</c>
/// runs more (environment <c>PROFILEGRID_SIM_HISTORIES</c>, <c>PROFILEGRID_SIM_SEED</c>, <c>PROFILEGRID_SIM_STORAGE</c>).
/// Histories share a cluster, each in a world of its own names, and a fresh cluster takes over every
/// <see cref="HistoriesPerCluster"/> histories: a redefinition's back-fill visits every stored customer, those of the
/// histories before too, so a cluster that kept them all would make each history dearer than the last.
/// </summary>
public abstract class SimulationTests(bool azurite, int streams, ITestOutputHelper output)
{
    /// <summary>The test command's generator seed: history i comes from stream i of it, the same every run.</summary>
    public const ulong FixedSeed = 0x5eed_0025UL;

    /// <summary>Histories per storage in the test command.</summary>
    public const int TestCommandHistories = 200;

    public const int HistoriesPerCluster = 40;

    protected async Task RunAsync()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("PROFILEGRID_SIM_HISTORIES"), CultureInfo.InvariantCulture, out var n) ? n : TestCommandHistories;
        var seed = Environment.GetEnvironmentVariable("PROFILEGRID_SIM_SEED") is { Length: > 0 } given ? given : null;
        var started = DateTimeOffset.UtcNow;
        var steps = 0;
        // Histories run on `streams` clusters at once, each its own (and on Azurite its own Azurite): a history waits
        // on storage and on the scheduler's ticks more than it computes, so two streams take the time of little more than one.
        var idle = new System.Collections.Concurrent.ConcurrentBag<Clusters>(Enumerable.Range(0, streams).Select(_ => new Clusters(azurite)));
        async Task Run(History history)
        {
            if (!idle.TryTake(out var clusters)) throw new InvalidOperationException("More histories at once than streams.");
            try
            {
                var (cluster, segments) = await clusters.NextAsync();
                await new HistoryRunner(cluster, segments).RunAsync(history);
                Interlocked.Add(ref steps, history.Steps.Length);
            }
            finally
            {
                idle.Add(clusters);
            }
        }

        try
        {
            if (Environment.GetEnvironmentVariable("PROFILEGRID_SIM_HISTORIES") is null && seed is null)
            {
                // The test command: the same histories every run (CsCheck's seed fixes only a sample's first history), each
                // from its own generator state; a failure names the seed that gives it first, to shrink with simulate.sh.
                // Stream s runs histories s, s + streams, ...; the first failure stops them all.
                using var failed = new CancellationTokenSource();
                await Task.WhenAll(Enumerable.Range(0, streams).Select(stream => Task.Run(async () =>
                {
                    for (var i = stream; i < count && !failed.IsCancellationRequested; i += streams)
                    {
                        var pcg = new PCG((uint)i, FixedSeed);
                        var historySeed = pcg.ToString();
                        var history = History.Generator(50, 70).Generate(pcg, null, out _);
                        try
                        {
                            await Run(history);
                        }
                        catch (SimulationFailureException exception)
                        {
                            await failed.CancelAsync();
                            throw new SimulationFailureException(
                                $"history {i} of the test command (shrink it with ./scripts/simulate.sh --seed {historySeed} --histories 200):{Environment.NewLine}{history}{Environment.NewLine}{exception.Message}", exception);
                        }
                    }
                })));
            }
            else
            {
                await History.Generator(50, 70).SampleAsync(Run, writeLine: output.WriteLine, seed: seed, iter: count, threads: Math.Min(streams, count), print: history => history.ToString());
            }
        }
        finally
        {
            foreach (var clusters in idle) await clusters.DisposeAsync();
        }

        output.WriteLine($"{count} histories, {steps} steps, on {(azurite ? "Azurite" : "memory storage")} in {(DateTimeOffset.UtcNow - started).TotalSeconds:0} s, {streams} at once, {idle.Sum(c => c.Started)} clusters (seed {seed ?? (Environment.GetEnvironmentVariable("PROFILEGRID_SIM_HISTORIES") is null ? "fixed" : "random")})");
    }

    /// <summary>A cluster for each history, a fresh one (with its segments defined) every <see cref="HistoriesPerCluster"/>.</summary>
    private sealed class Clusters(bool azurite) : IAsyncDisposable
    {
        private SimulatedCluster? _cluster;
        private SegmentRules? _segments;
        private int _served;

        public int Started { get; private set; }

        public async Task<(SimulatedCluster Cluster, SegmentRules Segments)> NextAsync()
        {
            if (_cluster is null || _served == HistoriesPerCluster)
            {
                await DisposeAsync();
                _cluster = new SimulatedCluster(azurite);
                await _cluster.InitializeAsync();
                _segments = await _cluster.SegmentsAsync();
                (_served, Started) = (0, Started + 1);
            }

            _served++;
            return (_cluster, _segments!);
        }

        public async ValueTask DisposeAsync()
        {
            if (_cluster is not null) await _cluster.DisposeAsync();
            _cluster = null;
        }
    }
}

public sealed class MemorySimulationTests(ITestOutputHelper output) : SimulationTests(azurite: false, streams: 1, output)
{
    [Fact]
    public Task Random_histories_agree_with_the_model_on_memory_storage() =>
        Environment.GetEnvironmentVariable("PROFILEGRID_SIM_STORAGE") is "azurite" ? Task.CompletedTask : RunAsync();
}

public sealed class AzuriteSimulationTests(ITestOutputHelper output) : SimulationTests(azurite: true, streams: 2, output)
{
    [Fact]
    public Task Random_histories_agree_with_the_model_on_Azurite() =>
        Environment.GetEnvironmentVariable("PROFILEGRID_SIM_STORAGE") is "memory" ? Task.CompletedTask : RunAsync();
}
