using System.Runtime;

namespace ProfileGrid.Benchmarks.Memory;

/// <summary>This process's live managed bytes.</summary>
internal static class ManagedHeap
{
    /// <summary>Full blocking, compacting collections (the large object heap too) with finalizers run in between.</summary>
    public static void Settle()
    {
        for (var pass = 0; pass < 2; pass++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
    }

    /// <summary>
    /// The heap's size right after settling, the least of three readings: the silo's timers and statistics allocate
    /// a little all the time, and the least reading counts the least of that.
    /// </summary>
    public static long LiveBytes()
    {
        var least = long.MaxValue;
        for (var reading = 0; reading < 3; reading++)
        {
            Settle();
            least = Math.Min(least, GC.GetTotalMemory(forceFullCollection: false));
            Thread.Sleep(200);
        }

        return least;
    }
}
