using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using ProfileGrid.Client;

namespace ProfileGrid.LoadGenerator;

/// <summary>
/// A run through the producer client (<c>--via client</c>), as a .NET producer sends: events of the mix go to
/// <see cref="ProfileGridClient"/>, which batches (<c>--batch</c>), queues (back-pressure slows the generator) and
/// retries; the result counts what its meter reports (events by outcome) and each batch's time to its answer as a
/// request. <c>--rate</c> is events/s offered on schedule; without it <c>--concurrency</c> producers track as fast as
/// the queue takes.
/// </summary>
internal sealed class ClientLoadRun(LoadOptions options, string[] args)
{
    private RunStats _stats = new();

    public async Task<RunResult> RunAsync()
    {
        using var listener = Listen();
        var customers = new ZipfSampler(options.Customers, options.Zipf);
        await using var client = new ProfileGridClient(new ProfileGridClientOptions
        {
            Endpoint = options.Url,
            ApiKey = options.Key ?? throw new ArgumentException("--via client needs --key (a producer key)."),
            MaxBatchSize = options.Batch,
            MaxBatchDelay = TimeSpan.FromMilliseconds(50),
            QueueCapacity = Math.Max(options.Batch * 4, 1000),
        });
        long counter = 0;
        if (options.Warmup > TimeSpan.Zero) await PhaseAsync("warm-up", client, customers, options.Warmup, new RunStats(), () => Interlocked.Increment(ref counter));
        var stats = new RunStats();
        var cpu = CpuWindow.Start(options.TargetPid);
        var elapsed = await PhaseAsync("measure", client, customers, options.Duration, stats, () => Interlocked.Increment(ref counter));
        return options.Describe(stats, elapsed, cpu.Stop(), args, new Uri(options.Url, "v1/events") + " (ProfileGrid.Client)");
    }

    private async Task<TimeSpan> PhaseAsync(string phase, ProfileGridClient client, ZipfSampler customers, TimeSpan duration, RunStats stats, Func<long> next)
    {
        Volatile.Write(ref _stats, stats);
        await using var progress = new Progress(phase, stats, options.Quiet);
        progress.Start();
        var start = Stopwatch.GetTimestamp();
        ProfileEvent Make(Random random)
        {
            var mixed = EventMix.Next(random);
            var properties = mixed.Properties.ToDictionary(p => p.Name, p => p.Text ?? (object?)p.Number);
            var customer = options.CustomerPrefix + customers.Next(random).ToString(CultureInfo.InvariantCulture);
            return new ProfileEvent($"{options.RunId}-c{next()}", mixed.Type, customer, null, DateTimeOffset.UtcNow, mixed.Value, mixed.Channel, properties);
        }

        if (options.Rate is { } rate)
        {
            var random = new Random(HashCode.Combine(options.RunId, phase));
            var interval = Stopwatch.Frequency / rate;
            for (long i = 0; ; i++)
            {
                var scheduled = start + (long)(i * interval);
                if (Stopwatch.GetElapsedTime(start, scheduled) >= duration) break;
                var ahead = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), scheduled);
                if (ahead > TimeSpan.FromMilliseconds(1)) await Task.Delay(ahead);
                await client.TrackAsync(Make(random));
            }
        }
        else
        {
            await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
            {
                var random = new Random(HashCode.Combine(options.RunId, phase, worker));
                while (Stopwatch.GetElapsedTime(start) < duration) await client.TrackAsync(Make(random));
            })));
        }

        // The phase ends when what it queued is answered, so its counts are whole.
        await client.FlushAsync();
        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>The client's measurements, into the current phase's stats.</summary>
    private MeterListener Listen()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ProfileGridClient.MeterName) listener.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, seconds, _, _) =>
        {
            if (instrument.Name == "profilegrid.client.batch.duration") Volatile.Read(ref _stats).Succeeded(default, TimeSpan.FromSeconds(seconds));
        });
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name != "profilegrid.client.events") return;
            var stats = Volatile.Read(ref _stats);
            foreach (var tag in tags)
            {
                if (tag.Key != "outcome") continue;
                switch (tag.Value as string)
                {
                    case "accepted": stats.Counted(new Answer(value, 0, 0)); break;
                    case "duplicate": stats.Counted(new Answer(0, value, 0)); break;
                    case "rejected": stats.Counted(new Answer(0, 0, value)); break;
                    case { } other: stats.Lost(other, value); break;
                }
            }
        });
        listener.Start();
        return listener;
    }
}
