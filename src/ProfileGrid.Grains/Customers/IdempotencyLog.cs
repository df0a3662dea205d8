using System.IO.Hashing;
using System.Text;

namespace ProfileGrid.Customers;

/// <summary>
/// The ids of the events a customer has applied, so that a retried event is applied once. An id is unique within
/// the producer that sent it: the same id from two producers is two events. The log keeps the ids applied within
/// <see cref="Retention"/>, at most the newest <see cref="MaxEntries"/>: a retry is recognised when it comes within a
/// day and fewer than 10,000 newer events reached the same customer; a later one is applied again.
/// Ids are kept as 64-bit XxHash3 digests seeded by the producer (8 bytes instead of up to 128 characters); two
/// distinct ids of one customer collide with a probability of about n²/2⁶⁵, i.e. below 10⁻¹¹ for 10,000 ids.
/// </summary>
[GenerateSerializer, Alias("pg.IdempotencyLog")]
public sealed class IdempotencyLog
{
    public const int MaxEntries = 10_000;
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    [NonSerialized] private HashSet<ulong>? _index;

    /// <summary>Digests in the order they were applied, oldest first.</summary>
    [Id(0)] public List<ulong> Digests { get; set; } = [];

    /// <summary>When each digest was applied, as whole minutes since the Unix epoch.</summary>
    [Id(1)] public List<int> AppliedMinutes { get; set; } = [];

    public int Count => Digests.Count;

    /// <summary>The seed that scopes a producer's ids; compute it once per batch.</summary>
    public static long ScopeOf(string producer) => unchecked((long)Hash(producer, seed: 0));

    /// <returns>False when the id was applied before.</returns>
    public bool TryAdd(long scope, string eventId, DateTimeOffset now)
    {
        var digest = Hash(eventId, scope);
        if (!Index.Add(digest)) return false;
        Digests.Add(digest);
        AppliedMinutes.Add(MinuteOf(now));
        return true;
    }

    /// <summary>Forgets the ids older than <see cref="Retention"/> and all but the newest <see cref="MaxEntries"/>.</summary>
    public void Trim(DateTimeOffset now)
    {
        var keepFrom = MinuteOf(now - Retention);
        var drop = Math.Max(0, Digests.Count - MaxEntries);
        while (drop < Digests.Count && AppliedMinutes[drop] < keepFrom) drop++;
        if (drop == 0) return;
        for (var i = 0; i < drop; i++) Index.Remove(Digests[i]);
        Digests.RemoveRange(0, drop);
        AppliedMinutes.RemoveRange(0, drop);
    }

    private HashSet<ulong> Index => _index ??= [.. Digests];

    private static int MinuteOf(DateTimeOffset instant) => (int)(instant.ToUnixTimeSeconds() / 60);

    private static ulong Hash(string text, long seed)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> utf8 = maxBytes <= 512 ? stackalloc byte[512] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(text, utf8);
        return XxHash3.HashToUInt64(utf8[..length], seed);
    }
}
