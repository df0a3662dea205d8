using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ProfileGrid.Hosting;

/// <summary>
/// What <c>/readyz</c> answers from: the checks tagged <see cref="HealthApi.ReadyTag"/> run at most once per
/// <see cref="TimeToLive"/>, and probes arriving while they run share that one run, so a flood of probes costs the
/// cluster and the storage nothing more than one probe does.
/// </summary>
public sealed class ReadinessCache(HealthCheckService health, TimeProvider clock)
{
    /// <summary>How long a result is reused: far below any probe period a platform uses, far above a flood's spacing.</summary>
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private Task<HealthReport>? _report;
    private DateTimeOffset _checkedAt;

    public Task<HealthReport> GetAsync()
    {
        lock (_lock)
        {
            if (_report is { IsCompleted: false } || (_report is not null && clock.GetUtcNow() - _checkedAt < TimeToLive)) return _report;
            return _report = Task.Run(CheckAsync);
        }
    }

    private async Task<HealthReport> CheckAsync()
    {
        // Not cancelled by the probe that started it: the others share it.
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(HealthApi.ReadyTag), CancellationToken.None);
        lock (_lock) _checkedAt = clock.GetUtcNow();
        return report;
    }
}
