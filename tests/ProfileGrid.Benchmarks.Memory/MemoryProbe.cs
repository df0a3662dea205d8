using System.Diagnostics;

namespace ProfileGrid.Benchmarks.Memory;

/// <summary>
/// Measures the managed bytes one activation costs: warm up (activate, then deactivate, a few thousand grains of
/// the same kind), read the settled heap, activate N grains, read it again, check that the silo still counts all N,
/// deactivate them and read it a third time, which tells what the activations held from what they left behind
/// (with memory storage, the stored journals). A heap census beside each reading says which types the bytes are.
/// </summary>
internal sealed class MemoryProbe(IGrainFactory grains, Population population, MemoryOptions options)
{
    private const int InFlight = 64;
    private readonly IManagementGrain _management = grains.GetGrain<IManagementGrain>(0);

    public async Task<MemoryResult> RunAsync()
    {
        await ActivateAsync("w-", options.Warmup);
        await DeactivateAllAsync();

        var baselineCensus = await CensusAsync();
        var baseline = ManagedHeap.LiveBytes();
        Report($"baseline {baseline:N0} bytes");

        var clock = Stopwatch.StartNew();
        await ActivateAsync("c-", options.Activations);
        var seconds = clock.Elapsed.TotalSeconds;
        var active = ManagedHeap.LiveBytes();
        var activeCount = await CountAsync();
        Report($"{activeCount:N0} active: {active:N0} bytes, {(active - baseline) / (double)options.Activations:N0} per activation");
        if (activeCount != options.Activations)
        {
            throw new InvalidOperationException($"The silo counts {activeCount:N0} {population.GrainClass.Name} activations, not {options.Activations:N0}: some were lost or never made.");
        }

        var activeCensus = await CensusAsync();
        await DeactivateAllAsync();
        var deactivated = ManagedHeap.LiveBytes();
        var deactivatedCensus = await CensusAsync();
        Report($"deactivated: {deactivated:N0} bytes, {(deactivated - baseline) / (double)options.Activations:N0} per activation left behind");

        return new MemoryResult
        {
            Label = options.Label,
            Grain = population.Grain,
            Activations = options.Activations,
            ActiveAtEnd = activeCount,
            ActivateSeconds = Math.Round(seconds, 2),
            BaselineBytes = baseline,
            ActiveBytes = active,
            DeactivatedBytes = deactivated,
            BytesPerActivation = Math.Round((active - baseline) / (double)options.Activations, 1),
            LeftBytesPerActivation = Math.Round((deactivated - baseline) / (double)options.Activations, 1),
            HeldByActivations = activeCensus?.Minus(deactivatedCensus!, options.Activations),
            LeftAfterDeactivation = deactivatedCensus?.Minus(baselineCensus!, options.Activations),
        };
    }

    private async Task ActivateAsync(string prefix, int count)
    {
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (index, _) =>
        {
            await population.Activate(grains, prefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (Interlocked.Increment(ref done) % 20_000 == 0) Report($"{done:N0} of {count:N0} activated");
        });
    }

    /// <summary>Collects every idle activation and waits until the silo counts none of the population's grain.</summary>
    private async Task DeactivateAllAsync()
    {
        var deadline = Stopwatch.StartNew();
        do
        {
            await _management.ForceActivationCollection(TimeSpan.Zero);
            if (await CountAsync() == 0) return;
            await Task.Delay(500);
        }
        while (deadline.Elapsed < TimeSpan.FromMinutes(3));

        throw new InvalidOperationException($"{population.GrainClass.Name} activations were still counted 3 minutes after collection was forced.");
    }

    private async Task<int> CountAsync() =>
        (await _management.GetSimpleGrainStatistics())
            .Where(statistic => statistic.GrainType.StartsWith(population.GrainClass.FullName + ",", StringComparison.Ordinal))
            .Sum(statistic => statistic.ActivationCount);

    private async Task<HeapCensus?> CensusAsync() => options.Census ? await HeapCensus.TakeAsync(options.Dumps) : null;

    private static void Report(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}
