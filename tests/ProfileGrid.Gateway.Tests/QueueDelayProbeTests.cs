using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ProfileGrid.Gateway.Ingestion;

namespace ProfileGrid.Gateway.Tests;

[CollectionDefinition(nameof(QueueDelayProbeTests), DisableParallelization = true)]
public sealed class ThreadPoolBlockingCollection;

/// <summary>
/// The real probe against the real thread pool: with every pool thread busy, a bulk request waits until one is free.
/// It blocks every thread of the test process's pool for a moment, so it runs alone.
/// </summary>
[Collection(nameof(QueueDelayProbeTests))]
public sealed class QueueDelayProbeTests
{
    private const int Bulk = 100;

    [Fact]
    public async Task The_probe_holds_bulk_requests_while_every_pool_thread_is_busy_and_lets_them_go_when_one_is_free()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var admission = new BulkAdmission(Options.Create(new BulkAdmissionOptions { Lease = TimeSpan.FromMinutes(1) }), new IngestionMetrics(services.GetRequiredService<IMeterFactory>()), TimeProvider.System);
        using var probe = new QueueDelayProbe(admission);
        await probe.StartAsync(CancellationToken.None);
        using var first = await admission.EnterAsync(Bulk);
        using var release = new ManualResetEventSlim();
        // Sleeping, not waiting on the event: the pool adds threads at once for a thread blocked in a wait.
        var blockers = Enumerable.Range(0, ThreadPool.ThreadCount + 64).Select(_ => Task.Run(() => { while (!release.IsSet) Thread.Sleep(1); })).ToArray();

        await Task.Delay(200); // the probe's work item waits behind the blocked threads
        var second = admission.EnterAsync(Bulk);
        await Task.Delay(200);
        var heldWhileBlocked = !second.IsCompleted;
        release.Set();
        await Task.WhenAll(blockers);
        using var admitted = await second.WaitAsync(TimeSpan.FromSeconds(10));
        await probe.StopAsync(CancellationToken.None);

        Assert.True(heldWhileBlocked);
        Assert.NotNull(admitted);
    }
}
