using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ProfileGrid.Gateway.Ingestion;

namespace ProfileGrid.Gateway.Tests;

[CollectionDefinition(nameof(QueueDelayProbeTests), DisableParallelization = true)]
public sealed class ThreadPoolBlockingCollection;

/// <summary>
/// The real probe against the real thread pool: behind a backlog of work, a bulk request waits until the pool caught
/// up. It fills the test process's pool for a moment, so it runs alone.
/// </summary>
[Collection(nameof(QueueDelayProbeTests))]
public sealed class QueueDelayProbeTests
{
    private const int Bulk = 100;

    [Fact]
    public async Task The_probe_holds_bulk_requests_while_the_pool_works_off_a_backlog_and_lets_them_go_once_it_caught_up()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var admission = new BulkAdmission(Options.Create(new BulkAdmissionOptions { Lease = TimeSpan.FromMinutes(1) }), new IngestionMetrics(services.GetRequiredService<IMeterFactory>()), TimeProvider.System);
        using var probe = new QueueDelayProbe(admission);
        await probe.StartAsync(CancellationToken.None);
        using var first = await admission.EnterAsync(Bulk);

        // At least 300 ms of CPU work per core at the back of the global queue, as a burst of requests puts there. The
        // test waits on its own thread (a continuation would wait behind the backlog too).
        var backlog = Enumerable.Range(0, 300 * Environment.ProcessorCount).Select(_ => Work()).ToArray();
        Thread.Sleep(50);
        var second = admission.EnterAsync(Bulk);
        Thread.Sleep(50);
        var heldBehindTheBacklog = !second.IsCompleted;
        await Task.WhenAll(backlog);
        using var admitted = await second.WaitAsync(TimeSpan.FromSeconds(10));
        await probe.StopAsync(CancellationToken.None);

        Assert.True(heldBehindTheBacklog);
        Assert.NotNull(admitted);
    }

    // A millisecond of CPU, queued where a new request's work goes.
    private static Task Work()
    {
        var done = new TaskCompletionSource();
        ThreadPool.UnsafeQueueUserWorkItem(static done =>
        {
            var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 1000;
            while (Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
            done.SetResult();
        }, done, preferLocal: false);
        return done.Task;
    }
}
