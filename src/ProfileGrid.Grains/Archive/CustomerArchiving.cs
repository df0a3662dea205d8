using Microsoft.Extensions.Options;
using Orleans.Serialization;
using ProfileGrid.Customers;
using ProfileGrid.Storage.Archive;

namespace ProfileGrid.Archive;

/// <summary>
/// What a customer write needs to be archived: the customer's archive key (created at its first archived write, then
/// kept by the activation) and the write's entry sealed under it, which goes into the journal's outbox with the write
/// (<see cref="Storage.JournalWrite.Outbox"/>). An erased customer's writes are not archived, and erasure deletes its
/// key and those of the profiles merged into it (<see cref="ForgetAsync"/>), so nothing archived of it reads again.
/// </summary>
public sealed class CustomerArchiving(IArchiveKeys keys, Serializer serializer, IOptions<ArchiveOptions> options)
{
    private readonly CustomerCodec _codec = new(serializer);

    public bool Enabled { get; } = options.Value.Enabled;

    /// <summary>The key to seal the next write of <paramref name="customer"/> under: <paramref name="cached"/>, else read or created; null when not archived.</summary>
    internal async ValueTask<ArchiveKey?> KeyForWriteAsync(string customer, CustomerState state, bool known, ArchiveKey? cached)
    {
        if (!Enabled || state.IsErased) return null;
        return cached ?? await keys.GetOrCreateAsync(customer, likelyExists: known && state.Seq > 0);
    }

    /// <summary>
    /// The write's outbox record: its entry, encoded as the journal encodes it (compressed), sealed under the customer's
    /// key. <paramref name="encoded"/> is the entry as the journal encoded it for an append (uncompressed), if it did:
    /// compressed as it is, not serialized a second time.
    /// </summary>
    internal ReadOnlyMemory<byte> Seal(ArchiveKey key, CustomerEntry entry, ReadOnlyMemory<byte> encoded = default) =>
        ArchiveRecord.Seal(key, entry.Seq, entry.At, encoded.IsEmpty ? _codec.Encode(entry, compress: true) : CustomerCodec.Compress(encoded.Span));

    /// <summary>The entry a record holds, opened with the customer's key.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The key is not the record's.</exception>
    public CustomerEntry Open(ArchiveKey key, ArchiveRecord record) => _codec.Decode<CustomerEntry>(record.Open(key), record.KeyId);

    /// <summary>Deletes the archive keys of <paramref name="customers"/>: their archived records (and those still in the outbox) no longer open.</summary>
    public async Task ForgetAsync(IEnumerable<string> customers)
    {
        foreach (var customer in customers) await keys.DeleteAsync(customer);
    }
}
