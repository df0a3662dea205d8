namespace ProfileGrid.DemoProducer;

/// <summary>Sends the model's events at the requested rate, in a batch every quarter second.</summary>
internal sealed class TrafficLoop(TrafficModel model, GatewayClient gateway, ProducerStats stats, TimeProvider time)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(5);
    private const int MaxBatch = 1000;

    public async Task RunAsync(double eventsPerSecond, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Tick, time);
        var owed = 0.0;
        var lastTick = time.GetTimestamp();
        var lastReport = lastTick;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                // Pay the rate for the time that really passed: a slow request is caught up, not lost.
                var now = time.GetTimestamp();
                owed = Math.Min(owed + eventsPerSecond * time.GetElapsedTime(lastTick, now).TotalSeconds, MaxBatch);
                lastTick = now;
                var count = (int)owed;
                if (count > 0)
                {
                    owed -= count;
                    var batch = Enumerable.Range(0, count).Select(_ => model.Next()).ToArray();
                    stats.Sent(batch.Length, await gateway.PostEventsAsync(batch, cancellationToken));
                }

                if (time.GetElapsedTime(lastReport) >= ReportEvery)
                {
                    Console.WriteLine(stats.Summary());
                    lastReport = time.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
