using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace ProfileGrid.Customers;

/// <summary>
/// The ids of the events a customer has applied, so that a retried event is applied once. An id is unique within
/// the producer that sent it: the same id from two producers is two events. The log keeps the ids applied within
/// <see cref="Retention"/>, at most the newest <see cref="MaxEntries"/>: a retry is recognised when it comes within a
/// day and fewer than 10,000 newer events reached the same customer; a later one is applied again.
/// Ids are kept as 64-bit XxHash3 digests seeded by the producer (8 bytes instead of up to 128 characters); two
/// distinct ids of one customer collide with a probability of about n²/2⁶⁵, i.e. below 10⁻¹¹ for 10,000 ids.
/// When they were applied is kept per minute (a minute and how many ids it applied), so a full log stores about
/// 80 KB, and forgetting the oldest ids moves no memory until enough are forgotten to be worth it: a customer that
/// receives thousands of events a minute pays for its log in proportion to its events, not to the log's size.
/// </summary>
[GenerateSerializer, Alias("pg.IdempotencyLog")]
public sealed class IdempotencyLog
{
    public const int MaxEntries = 10_000;
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>Forgotten digests at the head of <see cref="_digests"/> are removed once there are this many (or as many as kept).</summary>
    private const int CompactAfter = 1024;

    /// <summary>Digests in the order they were applied, oldest first; the first <see cref="_forgotten"/> are no longer in the log.</summary>
    [NonSerialized] private readonly List<ulong> _digests = [];
    [NonSerialized] private readonly List<MinuteRun> _minutes = [];
    [NonSerialized] private int _forgotten;
    [NonSerialized] private HashSet<ulong>? _index;

    public int Count => _digests.Count - _forgotten;

    // Ids 0 and 1 held the digests and minutes as lists before this form: a snapshot written then reads as an empty
    // log (its ids are forgotten once, when the customer's grain is first activated by this version).

    /// <summary>The stored form of the digests: 8 bytes each, little-endian, oldest first.</summary>
    [Id(2)]
    public byte[] Digests
    {
        get
        {
            var kept = CollectionsMarshal.AsSpan(_digests)[_forgotten..];
            var bytes = new byte[kept.Length * sizeof(ulong)];
            for (var i = 0; i < kept.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)), kept[i]);
            return bytes;
        }
        set
        {
            if (value.Length % sizeof(ulong) != 0) throw new InvalidDataException($"Idempotency digests of {value.Length} bytes are not whole digests.");
            (_forgotten, _index) = (0, null);
            _digests.Clear();
            for (var offset = 0; offset < value.Length; offset += sizeof(ulong)) _digests.Add(BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(offset)));
        }
    }

    /// <summary>
    /// The stored form of when the digests were applied: per minute, oldest first, how many of them. Read after
    /// <see cref="Digests"/> (fields are read in the order of their ids), so it is checked against them.
    /// </summary>
    [Id(3)]
    public MinuteRun[] Minutes
    {
        get => [.. _minutes];
        set
        {
            long total = 0;
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i].Count <= 0 || (i > 0 && value[i].Minute <= value[i - 1].Minute)) throw new InvalidDataException("Idempotency minutes are not ascending runs.");
                total += value[i].Count;
            }

            if (total != Count) throw new InvalidDataException($"Idempotency minutes count {total} ids, the digests are {Count}.");
            _minutes.Clear();
            _minutes.AddRange(value);
        }
    }

    /// <summary>The seed that scopes a producer's ids; compute it once per batch.</summary>
    public static long ScopeOf(string producer) => unchecked((long)Hash(producer, seed: 0));

    /// <summary>Whether the id was applied (and is still remembered).</summary>
    public bool Contains(long scope, string eventId) => Index.Contains(Hash(eventId, scope));

    /// <returns>False when the id was applied before.</returns>
    public bool TryAdd(long scope, string eventId, DateTimeOffset now)
    {
        var digest = Hash(eventId, scope);
        if (!Index.Add(digest)) return false;
        _digests.Add(digest);
        var minute = MinuteOf(now);
        if (_minutes.Count > 0 && _minutes[^1].Minute >= minute) _minutes[^1] = _minutes[^1] with { Count = _minutes[^1].Count + 1 };
        else _minutes.Add(new MinuteRun(minute, 1));
        return true;
    }

    /// <summary>
    /// Counts another customer's applied ids (a merge) as applied here, as of <paramref name="now"/>: they are kept
    /// a full <see cref="Retention"/> from the merge, a little longer than where they came from.
    /// </summary>
    public void Absorb(IdempotencyLog other, DateTimeOffset now)
    {
        var minute = MinuteOf(now);
        foreach (var digest in CollectionsMarshal.AsSpan(other._digests)[other._forgotten..])
        {
            if (!Index.Add(digest)) continue;
            _digests.Add(digest);
            if (_minutes.Count > 0 && _minutes[^1].Minute >= minute) _minutes[^1] = _minutes[^1] with { Count = _minutes[^1].Count + 1 };
            else _minutes.Add(new MinuteRun(minute, 1));
        }

        Trim(now);
    }

    /// <summary>Forgets the ids older than <see cref="Retention"/> and all but the newest <see cref="MaxEntries"/>.</summary>
    public void Trim(DateTimeOffset now)
    {
        var keepFrom = MinuteOf(now - Retention);
        var drop = Math.Max(0, Count - MaxEntries);
        var runs = 0;
        var dropped = 0;
        while (runs < _minutes.Count && (_minutes[runs].Minute < keepFrom || dropped + _minutes[runs].Count <= drop)) dropped += _minutes[runs++].Count;
        _minutes.RemoveRange(0, runs);
        if (dropped < drop)
        {
            _minutes[0] = _minutes[0] with { Count = _minutes[0].Count - (drop - dropped) };
            dropped = drop;
        }

        Forget(dropped);
    }

    private void Forget(int count)
    {
        if (count == 0) return;
        for (var i = _forgotten; i < _forgotten + count; i++) _index?.Remove(_digests[i]);
        _forgotten += count;
        if (_forgotten >= Math.Min(CompactAfter, Count))
        {
            _digests.RemoveRange(0, _forgotten);
            _forgotten = 0;
        }
    }

    private HashSet<ulong> Index => _index ??= [.. CollectionsMarshal.AsSpan(_digests)[_forgotten..]];

    private static int MinuteOf(DateTimeOffset instant) => (int)(instant.ToUnixTimeSeconds() / 60);

    private static ulong Hash(string text, long seed)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> utf8 = maxBytes <= 512 ? stackalloc byte[512] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(text, utf8);
        return XxHash3.HashToUInt64(utf8[..length], seed);
    }
}

/// <summary>How many ids of an <see cref="IdempotencyLog"/> were applied in one minute (since the Unix epoch).</summary>
[GenerateSerializer, Immutable, Alias("pg.MinuteRun")]
public readonly record struct MinuteRun([property: Id(0)] int Minute, [property: Id(1)] int Count);
