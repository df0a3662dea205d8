using System.Diagnostics;

namespace ProfileGrid.LoadGenerator;

/// <summary>
/// One run: the optional history preload, the warm-up, then the measured phase in closed loop (each connection
/// posts again as soon as it is answered) or open loop (requests started on a fixed schedule, latency counted from
/// the scheduled time, so a slow server cannot hide its queue by slowing the generator: no coordinated omission).
/// </summary>
public sealed class LoadRun(LoadOptions options, string[] args)
{
    private const int PreloadBatch = 1000;
    private const int MaxInFlight = 20_000;
    private static readonly TimeSpan PreloadLimit = TimeSpan.FromHours(1);

    public async Task<RunResult> RunAsync()
    {
        if (options.ViaClient) return await new ClientLoadRun(options, args).RunAsync();
        var customers = new ZipfSampler(options.Customers, options.Zipf);
        var bodies = new RequestBodies(options.RunId, options.CustomerPrefix, customers, options.Batch);
        using var sender = new Sender(options.Url, options.Path, options.Key, options.Concurrency);

        var preload = options.Preload > 0 ? await PreloadAsync(sender, bodies) : null;
        if (options.Warmup > TimeSpan.Zero) await PhaseAsync("warm-up", sender, bodies, options.Warmup, new RunStats());
        var stats = new RunStats();
        var cpu = CpuWindow.Start(options.TargetPid);
        var elapsed = await PhaseAsync("measure", sender, bodies, options.Duration, stats);

        return options.Describe(stats, elapsed, cpu.Stop(), args, sender.Target.ToString(), preload);
    }

    /// <summary>Sends the hot customer's history: <c>--preload</c> events to customer 0 in batches of 1,000.</summary>
    private async Task<PreloadResult> PreloadAsync(Sender sender, RequestBodies bodies)
    {
        var stats = new RunStats();
        var remaining = options.Preload;
        var clock = Stopwatch.StartNew();
        await using (var progress = new Progress("preload", stats, options.Quiet))
        {
            progress.Start();
            var workers = Enumerable.Range(0, Math.Min(4, options.Concurrency)).Select(async worker =>
            {
                var random = new Random(worker + 7919);
                while (clock.Elapsed < PreloadLimit)
                {
                    var count = (int)Math.Min(PreloadBatch, Interlocked.Add(ref remaining, -PreloadBatch) + PreloadBatch);
                    if (count <= 0) return;
                    await sender.SendAsync(bodies.Next(random, count, customer: 0), count, Stopwatch.GetTimestamp(), stats);
                }
            });
            await Task.WhenAll(workers);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        return new PreloadResult(stats.Events, Math.Round(seconds, 1), Math.Round(stats.Events / seconds, 1), stats.ErrorCount);
    }

    private async Task<TimeSpan> PhaseAsync(string phase, Sender sender, RequestBodies bodies, TimeSpan duration, RunStats stats)
    {
        await using var progress = new Progress(phase, stats, options.Quiet);
        progress.Start();
        var start = Stopwatch.GetTimestamp();
        if (options.Rate is { } rate) await OpenLoopAsync(sender, bodies, duration, rate, stats, start);
        else await ClosedLoopAsync(sender, bodies, duration, stats, start);
        return Stopwatch.GetElapsedTime(start);
    }

    private async Task ClosedLoopAsync(Sender sender, RequestBodies bodies, TimeSpan duration, RunStats stats, long start)
    {
        var workers = Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(HashCode.Combine(options.RunId, worker));
            while (Stopwatch.GetElapsedTime(start) < duration)
            {
                var body = bodies.Next(random);
                await sender.SendAsync(body, options.Batch, Stopwatch.GetTimestamp(), stats);
            }
        }));
        await Task.WhenAll(workers);
    }

    private async Task OpenLoopAsync(Sender sender, RequestBodies bodies, TimeSpan duration, double rate, RunStats stats, long start)
    {
        var random = new Random(HashCode.Combine(options.RunId, "open"));
        var interval = Stopwatch.Frequency / rate;
        using var inFlight = new SemaphoreSlim(MaxInFlight);
        var pending = new List<Task>();
        for (long i = 0; ; i++)
        {
            var scheduled = start + (long)(i * interval);
            if (Stopwatch.GetElapsedTime(start, scheduled) >= duration) break;
            var ahead = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), scheduled);
            if (ahead > TimeSpan.FromMilliseconds(1)) await Task.Delay(ahead);
            await inFlight.WaitAsync();
            var body = bodies.Next(random);
            pending.Add(Task.Run(async () =>
            {
                try { await sender.SendAsync(body, options.Batch, scheduled, stats); }
                finally { inFlight.Release(); }
            }));
            if (pending.Count >= 4096) pending.RemoveAll(task => task.IsCompleted);
        }

        await Task.WhenAll(pending);
    }
}
