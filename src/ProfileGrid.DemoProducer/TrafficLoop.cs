namespace ProfileGrid.DemoProducer;

/// <summary>
/// Makes the model's events at the requested rate, a quarter second's worth at a time, and hands them to the producer
/// client, which batches, retries and reports them (its meter feeds <see cref="ProducerStats"/>).
/// </summary>
internal sealed class TrafficLoop(TrafficModel model, ProfileGrid.Client.ProfileGridClient client, ProducerStats stats, TimeProvider time)
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
                    for (var i = 0; i < count; i++) await client.TrackAsync(model.Next().ToProfileEvent(), cancellationToken);
                    stats.Queued(count);
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
