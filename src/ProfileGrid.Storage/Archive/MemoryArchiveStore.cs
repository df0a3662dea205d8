using System.Runtime.CompilerServices;

namespace ProfileGrid.Storage.Archive;

/// <summary>The archive in this process's memory, for development, tests and the simulation: nothing survives a restart.</summary>
public sealed class MemoryArchiveStore : IArchiveStore
{
    private readonly SortedDictionary<string, (byte[] Content, string Tag)> _objects = new(StringComparer.Ordinal);

    public Task<string?> TryCreateAsync(string name, ReadOnlyMemory<byte> content, string tag, CancellationToken cancellationToken = default)
    {
        lock (_objects)
        {
            return Task.FromResult(_objects.TryAdd(name, (content.ToArray(), tag)) ? null : _objects[name].Tag);
        }
    }

    public Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_objects)
        {
            return Task.FromResult(_objects.TryGetValue(name, out var stored) ? stored.Content.ToArray() : null);
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<string> names;
        lock (_objects)
        {
            names = [.. _objects.Keys.Where(name => name.StartsWith(prefix, StringComparison.Ordinal))];
        }

        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return name;
        }

        await Task.CompletedTask;
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_objects)
        {
            _objects.Remove(name);
        }

        return Task.CompletedTask;
    }
}
