using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>
/// Grain storage shared by every silo of the test cluster, holding serialized copies (so a grain's in-memory state
/// never aliases what is stored), with ETags, a switch that makes writes fail as an unreachable store would, and a
/// gate that holds writes back until the test opens it, so that calls pile up behind a write in flight.
/// </summary>
public sealed class FaultableGrainStorage(Serializer serializer) : IGrainStorage
{
    private static readonly ConcurrentDictionary<string, (byte[] Data, string ETag)> Rows = new();
    private static int _version;
    private static int _writeCount;
    private static volatile bool _failWrites;
    private static TaskCompletionSource? _gate;
    private static int _atGate;

    public static bool FailWrites
    {
        get => _failWrites;
        set => _failWrites = value;
    }

    public static int WriteCount => Volatile.Read(ref _writeCount);

    /// <summary>How many writes the closed gate holds back now.</summary>
    public static int WritesAtGate => Volatile.Read(ref _atGate);

    /// <summary>Holds every write back until <see cref="OpenGate"/>.</summary>
    public static void CloseGate() => Volatile.Write(ref _gate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public static void OpenGate() => Interlocked.Exchange(ref _gate, null)?.SetResult();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Rows.TryGetValue(Key(stateName, grainId), out var row))
        {
            grainState.State = serializer.Deserialize<T>(row.Data);
            grainState.ETag = row.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Serialized first, as real providers do: what is written is the state when the write was asked for.
        var data = serializer.SerializeToArray(grainState.State);
        if (Volatile.Read(ref _gate) is { } gate)
        {
            Interlocked.Increment(ref _atGate);
            await gate.Task;
            Interlocked.Decrement(ref _atGate);
        }

        if (FailWrites) throw new IOException("storage is unreachable (test switch)");
        var key = Key(stateName, grainId);
        var etag = Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var stored = grainState.ETag is null
            ? Rows.TryAdd(key, (data, etag))
            : Rows.TryGetValue(key, out var old) && old.ETag == grainState.ETag && Rows.TryUpdate(key, (data, etag), old);
        if (!stored) throw new InconsistentStateException("ETag mismatch", grainState.ETag ?? "", "");
        Interlocked.Increment(ref _writeCount);
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Rows.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";
}
