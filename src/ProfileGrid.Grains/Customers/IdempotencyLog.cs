using System.IO.Hashing;
using System.Text;

namespace ProfileGrid.Customers;

/// <summary>
/// The ids of the events a customer has applied, so that a retried event is applied once. It keeps at least the
/// newest <see cref="MinEntries"/> ids, and every id applied within <see cref="MinRetention"/>, whichever is more.
/// Ids are kept as 64-bit XxHash3 digests (8 bytes instead of up to 128 characters); two distinct ids of one
/// customer collide with a probability of about n²/2⁶⁵, i.e. below 10⁻¹¹ for 10,000 ids.
/// </summary>
[GenerateSerializer, Alias("pg.IdempotencyLog")]
public sealed class IdempotencyLog
{
    public const int MinEntries = 10_000;
    public static readonly TimeSpan MinRetention = TimeSpan.FromHours(24);

    [NonSerialized] private HashSet<ulong>? _index;

    /// <summary>Digests in the order they were applied, oldest first.</summary>
    [Id(0)] public List<ulong> Digests { get; set; } = [];

    /// <summary>When each digest was applied, as whole minutes since the Unix epoch.</summary>
    [Id(1)] public List<int> AppliedMinutes { get; set; } = [];

    public int Count => Digests.Count;

    /// <returns>False when the id was applied before.</returns>
    public bool TryAdd(string eventId, DateTimeOffset now)
    {
        var digest = Digest(eventId);
        if (!Index.Add(digest)) return false;
        Digests.Add(digest);
        AppliedMinutes.Add(MinuteOf(now));
        return true;
    }

    public void Trim(DateTimeOffset now)
    {
        var keepFrom = MinuteOf(now - MinRetention);
        var drop = 0;
        while (Digests.Count - drop > MinEntries && AppliedMinutes[drop] < keepFrom) drop++;
        if (drop == 0) return;
        for (var i = 0; i < drop; i++) Index.Remove(Digests[i]);
        Digests.RemoveRange(0, drop);
        AppliedMinutes.RemoveRange(0, drop);
    }

    private HashSet<ulong> Index => _index ??= [.. Digests];

    private static int MinuteOf(DateTimeOffset instant) => (int)(instant.ToUnixTimeSeconds() / 60);

    private static ulong Digest(string eventId)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(eventId.Length);
        Span<byte> utf8 = maxBytes <= 512 ? stackalloc byte[512] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(eventId, utf8);
        return XxHash3.HashToUInt64(utf8[..length]);
    }
}
