using System.Diagnostics;

namespace ProfileGrid.Testing;

/// <summary>
/// Waits for a condition that something else makes true (a background announcement, a push, a process), checking it
/// again as soon as the last check returns, with a short pause between checks, until it holds or the time is up. The
/// one way tests here wait for what they cannot await: no fixed sleeps, which are either too short on a busy machine
/// or too long on an idle one. A timeout fails with <paramref name="because"/> and the last value seen.
/// </summary>
public static class Eventually
{
    /// <summary>How long a condition may take unless a test says otherwise: generous, as the CI machines are shared.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Returns the first value that <paramref name="holds"/>; throws <see cref="TimeoutException"/> naming the last one
    /// otherwise. <paramref name="pause"/> (20 ms unless given) is the wait between checks: shorter where a check is a
    /// cheap grain call made thousands of times (the simulation's).
    /// </summary>
    public static async Task<T> Async<T>(Func<Task<T>> read, Func<T, bool> holds, string because, TimeSpan? timeout = null, TimeSpan? pause = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var started = Stopwatch.StartNew();
        T last;
        while (true)
        {
            last = await read();
            if (holds(last)) return last;
            if (started.Elapsed > limit) break;
            await Task.Delay(pause ?? Pause);
        }

        throw new TimeoutException($"Not within {limit.TotalSeconds:0.#} s: {because} (last seen: {Describe(last)}).");
    }

    /// <summary>Waits until <paramref name="condition"/> is true.</summary>
    public static Task Async(Func<Task<bool>> condition, string because, TimeSpan? timeout = null) =>
        Async(condition, static holds => holds, because, timeout);

    /// <summary>Waits until <paramref name="condition"/> is true (a condition that needs no await).</summary>
    public static Task True(Func<bool> condition, string because, TimeSpan? timeout = null) =>
        Async(() => Task.FromResult(condition()), static holds => holds, because, timeout);

    /// <summary>
    /// Waits until <paramref name="assertion"/> stops throwing (an xunit assertion over fresh state), and rethrows
    /// its last failure when the time is up, so the failure reads as the assertion's own.
    /// </summary>
    public static async Task Assert(Func<Task> assertion, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var started = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (started.Elapsed <= limit)
            {
                await Task.Delay(Pause);
            }
        }
    }

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Collections.IEnumerable items and not string => "[" + string.Join(", ", items.Cast<object?>().Take(20)) + "]",
        _ => value.ToString() ?? "",
    };
}
