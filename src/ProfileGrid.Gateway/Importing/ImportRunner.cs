using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ProfileGrid.Customers;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Importing;

namespace ProfileGrid.Gateway.Importing;

/// <summary>
/// Runs imports in this gateway: the one just posted here at once, and every <see cref="ImportOptions.ScanInterval"/>
/// any open import whose runner's lease expired (its gateway crashed or stopped), from its checkpoint. Also deletes
/// the records of imports finished longer ago than <see cref="ImportOptions.Retention"/>.
/// </summary>
internal sealed partial class ImportRunner(
    IGrainFactory grains, ImportStaging staging, CustomerGrains customers, Identification identification, ImportLimiter limiter,
    IOptions<ImportOptions> options, [FromKeyedServices(DomainClock.Key)] TimeProvider clock, ILogger<ImportRunner> logger) : BackgroundService
{
    /// <summary>This process: a lease names it, so a restarted gateway is another owner and waits for the old lease to expire.</summary>
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);

    private IImportRegistryGrain Registry => grains.GetGrain<IImportRegistryGrain>(IImportRegistryGrain.Key);

    /// <summary>Looks for imports to run now rather than at the next scan (one was just posted).</summary>
    public void Wake() => _wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var settings = options.Value;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ScanAsync(settings, stopping);
            }
            catch (Exception failure) when (!stopping.IsCancellationRequested)
            {
                // The cluster may not be reachable yet (a gateway starting before its silos): the next scan tries again.
                LogScanFailed(logger, failure);
            }

            try
            {
                await _wake.WaitAsync(settings.ScanInterval, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(_running.Values).ContinueWith(static _ => { }, TaskScheduler.Default);
    }

    private async Task ScanAsync(ImportOptions settings, CancellationToken stopping)
    {
        foreach (var id in await Registry.Open())
        {
            var import = grains.GetGrain<IImportGrain>(id);
            // A run of ours renews its lease with every report; a claim here renews it between reports too.
            var work = await import.Claim(_owner, settings.Lease);
            if (work is null || _running.ContainsKey(id)) continue;
            var run = new ImportRun(id, _owner, work, staging, customers, identification, limiter, settings, clock, grains, logger);
            _running[id] = Task.Run(async () =>
            {
                ImportMetrics.RunStarted();
                try
                {
                    await run.RunAsync(stopping);
                }
                catch (Exception failure) when (!stopping.IsCancellationRequested)
                {
                    // Left running: the lease expires and the next scan resumes it from the checkpoint.
                    LogRunFailed(logger, failure, id);
                }
                finally
                {
                    ImportMetrics.RunEnded();
                    _running.TryRemove(id, out _);
                }
            }, CancellationToken.None);
        }

        var expired = await Registry.FinishedBefore(clock.GetUtcNow() - settings.Retention);
        foreach (var id in expired)
        {
            if (await grains.GetGrain<IImportGrain>(id).Expire(clock.GetUtcNow() - settings.Retention)) await Registry.Forget(id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The import scan failed; trying again at the next")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {ImportId}: the run stopped; it resumes from its checkpoint once its lease expires")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string importId);
}
