using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ProfileGrid.Gateway.Importing;

/// <summary>
/// The share of capacity imports take (<see cref="ImportOptions.MaxConcurrentBatches"/>, <see cref="ImportOptions.MaxEventsPerSecond"/>),
/// all imports of the gateway together. Apart from live traffic's <see cref="Ingestion.BulkAdmission"/> on purpose: live
/// requests never queue behind an import's batches, and an import waits here, not in front of them.
/// </summary>
internal sealed class ImportLimiter : IDisposable
{
    private readonly SemaphoreSlim _batches;
    private readonly TokenBucketRateLimiter? _events;

    public ImportLimiter(IOptions<ImportOptions> options)
    {
        var settings = options.Value;
        _batches = new SemaphoreSlim(settings.MaxConcurrentBatches);
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

    /// <summary>Waits for a batch slot and for <paramref name="events"/> events' worth of rate; dispose the slot when the batch is done.</summary>
    public async Task<IDisposable> EnterAsync(int events, CancellationToken cancellation)
    {
        if (_events is not null && events > 0)
        {
            using var lease = await _events.AcquireAsync(events, cancellation);
        }

        await _batches.WaitAsync(cancellation);
        return new Slot(_batches);
    }

    public void Dispose()
    {
        _batches.Dispose();
        _events?.Dispose();
    }

    private sealed class Slot(SemaphoreSlim batches) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) batches.Release();
        }
    }
}
