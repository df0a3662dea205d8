using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using ProfileGrid.Gateway.Ingestion;

namespace ProfileGrid.Gateway.Importing;

/// <summary>
/// The share of capacity imports take, all imports of the gateway together: at most
/// <see cref="ImportOptions.MaxConcurrentBatches"/> customer batches in flight, or
/// <see cref="ImportOptions.MaxConcurrentBatchesWithLiveTraffic"/> while live events come (<see cref="LiveTraffic"/>),
/// and at most <see cref="ImportOptions.MaxEventsPerSecond"/>. Apart from live traffic's
/// <see cref="Ingestion.BulkAdmission"/> on purpose: live requests never queue behind an import's batches, and an
/// import waits here, in the order its batches came, not in front of them. The share follows live traffic both ways:
/// a batch that returns lets the next in only while fewer are in flight than the share allows now.
/// </summary>
internal sealed class ImportLimiter : IDisposable
{
    private readonly int _alone;
    private readonly int _withLive;
    private readonly LiveTraffic _live;
    private readonly TokenBucketRateLimiter? _events;
    private readonly object _gate = new();
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private int _inFlight;

    public ImportLimiter(IOptions<ImportOptions> options, LiveTraffic live)
    {
        var settings = options.Value;
        (_alone, _withLive, _live) = (settings.MaxConcurrentBatches, Math.Min(settings.MaxConcurrentBatchesWithLiveTraffic, settings.MaxConcurrentBatches), live);
        if (settings.MaxEventsPerSecond > 0)
        {
            // Refilled ten times a second; a bucket of at least a full batch, so that no batch waits forever.
            _events = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(settings.MaxEventsPerSecond, ProfileGrid.Events.EventLimits.MaxBatchEvents),
                TokensPerPeriod = Math.Max(1, settings.MaxEventsPerSecond / 10),
                ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
        }
    }

    /// <summary>Batches in flight now.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate) return _inFlight;
        }
    }

    /// <summary>Batches the share allows in flight now.</summary>
    private int Share => _live.Present ? _withLive : _alone;

    /// <summary>Waits for a batch slot and for <paramref name="events"/> events' worth of rate; dispose the slot when the batch is done.</summary>
    public async Task<IDisposable> EnterAsync(int events, CancellationToken cancellation)
    {
        if (_events is not null && events > 0)
        {
            using var lease = await _events.AcquireAsync(events, cancellation);
        }

        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_waiting.Count == 0 && _inFlight < Share)
            {
                _inFlight++;
                return new Slot(this);
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter);
        }

        // Let in by a returning batch (which counted it in flight), or cancelled first (and then skipped).
        await using (cancellation.Register(() => waiter.TrySetCanceled(cancellation)))
        {
            await waiter.Task;
        }

        return new Slot(this);
    }

    public void Dispose() => _events?.Dispose();

    private void Release()
    {
        lock (_gate)
        {
            _inFlight--;
            // Every waiter came while the share was full, so a batch is in flight to return and let it in; the share
            // read now is the one that counts (live traffic may have come or gone meanwhile).
            var share = Share;
            while (_inFlight < share && _waiting.TryDequeue(out var next))
            {
                if (next.TrySetResult()) _inFlight++;
            }
        }
    }

    private sealed class Slot(ImportLimiter limiter) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) limiter.Release();
        }
    }
}
