using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace ProfileGrid.Benchmarks.Memory;

/// <summary>
/// Bytes and objects per type on this process's managed heap: the runtime's own <c>createdump</c> writes a dump of
/// the process (it ships with every .NET runtime, so nothing has to be installed), and ClrMD reads the dump's heap.
/// Taken right after settling the heap, so it holds (almost) only live objects.
/// </summary>
internal sealed class HeapCensus
{
    private readonly Dictionary<string, (long Bytes, long Objects)> _types;

    private HeapCensus(Dictionary<string, (long Bytes, long Objects)> types) => _types = types;

    public static async Task<HeapCensus> TakeAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var dump = Path.Combine(directory, $"memory-probe-{Environment.ProcessId}-{DateTime.UtcNow:HHmmssfff}.dmp");
        var createdump = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "createdump");
        ManagedHeap.Settle();
        using (var process = Process.Start(new ProcessStartInfo(createdump, ["--withheap", "-f", dump, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])
               {
                   RedirectStandardOutput = true,
                   RedirectStandardError = true,
               }) ?? throw new InvalidOperationException($"Could not start {createdump}."))
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"createdump failed ({process.ExitCode}): {await output}{await error}");
        }

        try
        {
            return new HeapCensus(Count(dump));
        }
        finally
        {
            File.Delete(dump);
        }
    }

    /// <summary>Every type that grew by a byte or more per one of <paramref name="per"/> from <paramref name="earlier"/> to this, largest first.</summary>
    public TypeShare[] Minus(HeapCensus earlier, int per) =>
        [.. _types.Keys.Union(earlier._types.Keys)
            .Select(type =>
            {
                var now = _types.GetValueOrDefault(type);
                var then = earlier._types.GetValueOrDefault(type);
                return new TypeShare(type, Math.Round((now.Bytes - then.Bytes) / (double)per, 1), Math.Round((now.Objects - then.Objects) / (double)per, 3));
            })
            .Where(share => share.Bytes >= 1)
            .OrderByDescending(share => share.Bytes)];

    private static Dictionary<string, (long Bytes, long Objects)> Count(string dump)
    {
        using var target = DataTarget.LoadDump(dump);
        using var runtime = target.ClrVersions[0].CreateRuntime();
        var types = new Dictionary<string, (long Bytes, long Objects)>(StringComparer.Ordinal);
        foreach (var item in runtime.Heap.EnumerateObjects())
        {
            if (!item.IsValid || item.IsFree) continue;
            var name = item.Type?.Name ?? "(unknown)";
            var (bytes, objects) = types.GetValueOrDefault(name);
            types[name] = (bytes + (long)item.Size, objects + 1);
        }

        return types;
    }
}
