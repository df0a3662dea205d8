using System.Diagnostics;
using System.Globalization;

namespace ProfileGrid.LoadGenerator;

/// <summary>Prints one line a second to stderr while a phase runs: rates of the last second, totals and errors.</summary>
public sealed class Progress(string phase, RunStats stats, bool quiet) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void Start()
    {
        if (!quiet) _loop = LoopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try { await _loop; } catch (OperationCanceledException) { }
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var clock = Stopwatch.StartNew();
        long lastEvents = 0, lastRequests = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(_stop.Token))
        {
            long events = stats.Events, requests = stats.Requests;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{phase} {clock.Elapsed.TotalSeconds,5:F0}s] {events - lastEvents,9:N0} ev/s {requests - lastRequests,8:N0} req/s | total {events:N0} events, {stats.ErrorCount:N0} errors"));
            (lastEvents, lastRequests) = (events, requests);
        }
    }
}
