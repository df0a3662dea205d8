using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProfileGrid.Customers;
using ProfileGrid.Storage;

namespace ProfileGrid.Archive;

/// <summary>
/// Keeps every partition's archiver running: from the moment its silo is active until it stops, pokes each
/// <see cref="IArchivePartitionGrain"/> every <see cref="ArchiveOptions.KeepRunningPeriod"/>, which starts its polls if
/// they are not running (after its silo went away, it is activated on another). No reminder table.
/// </summary>
internal sealed partial class ArchiveTicker(
    IGrainFactory grains,
    IServiceProvider services,
    IOptions<ArchiveOptions> options,
    ILogger<ArchiveTicker> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(ArchiveTicker), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public void Dispose() => _stopping.Dispose();

    private Task StartAsync(CancellationToken cancellationToken)
    {
        // Off, the silo needs no outbox (a host may store customers where none is kept).
        if (!options.Value.Enabled) return Task.CompletedTask;
        var partitions = services.GetRequiredKeyedService<IJournalOutbox>(StorageNames.Customers).PartitionCount;
        _loop = Task.Run(() => LoopAsync(partitions, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task LoopAsync(int partitions, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.Value.KeepRunningPeriod);
        try
        {
            do
            {
                try
                {
                    await Task.WhenAll(Enumerable.Range(0, partitions).Select(partition => grains.GetGrain<IArchivePartitionGrain>(partition).Poke()));
                }
                catch (Exception exception) when (!stopping.IsCancellationRequested)
                {
                    LogPokeFailed(logger, exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reaching the archivers failed; trying again at the next tick")]
    private static partial void LogPokeFailed(ILogger logger, Exception exception);
}
