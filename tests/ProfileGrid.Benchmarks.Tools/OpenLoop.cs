using System.Diagnostics;

namespace ProfileGrid.Benchmarks.Tools;

/// <summary>An open-loop schedule: requests start at their planned times, whatever earlier ones are doing.</summary>
internal static class OpenLoop
{
    /// <summary>
    /// Calls <paramref name="start"/> with 0, 1, 2… at <c>i / rate</c> seconds from now until <paramref name="duration"/>
    /// has passed (null skips the slot); returns the time elapsed once every started task has completed.
    /// </summary>
    public static async Task<TimeSpan> RunAsync(double rate, TimeSpan duration, Func<long, Task?> start)
    {
        var started = new List<Task>();
        var begin = Stopwatch.GetTimestamp();
        var interval = Stopwatch.Frequency / rate;
        for (long i = 0; ; i++)
        {
            var scheduled = begin + (long)(i * interval);
            if (Stopwatch.GetElapsedTime(begin, scheduled) >= duration) break;
            var ahead = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), scheduled);
            if (ahead > TimeSpan.Zero) await Task.Delay(ahead);
            if (start(i) is { } task) started.Add(task);
        }

        await Task.WhenAll(started);
        return Stopwatch.GetElapsedTime(begin);
    }
}
