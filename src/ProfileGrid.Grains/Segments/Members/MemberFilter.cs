using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace ProfileGrid.Segments.Members;

/// <summary>
/// A Bloom filter of the ids a page has held since it was read: "not in it" is certain, "maybe" costs a read of the
/// page. A shard keeps one per page it has read, about 1.25 bytes per member at a full page (10 bits per member, 7
/// hashes: about 1 "maybe" in 100 for ids that are not there), so that a customer who is not a member enters without
/// its page being read. Leaving does not take an id out; the filter is built afresh whenever its page is read again.
/// </summary>
internal sealed class MemberFilter
{
    private const int BitsPerMember = 10;
    private const int Hashes = 7;
    private readonly ulong[] _words;
    private readonly uint _bits;

    /// <param name="members">How many members the page holds at most, by its bounds.</param>
    public MemberFilter(int members)
    {
        _words = new ulong[(Math.Max(members, 1) * BitsPerMember + 63) / 64];
        _bits = (uint)_words.Length * 64;
    }

    public void Add(string customerId)
    {
        var (first, step) = Hash(customerId);
        for (var i = 0u; i < Hashes; i++)
        {
            var bit = (first + i * step) % _bits;
            _words[bit / 64] |= 1UL << (int)(bit % 64);
        }
    }

    /// <summary>False when the page has certainly not held <paramref name="customerId"/> since it was read.</summary>
    public bool MayContain(string customerId)
    {
        var (first, step) = Hash(customerId);
        for (var i = 0u; i < Hashes; i++)
        {
            var bit = (first + i * step) % _bits;
            if ((_words[bit / 64] & (1UL << (int)(bit % 64))) == 0) return false;
        }

        return true;
    }

    // Two hashes from one 64-bit hash (Kirsch and Mitzenmacher's double hashing); the step is odd, so it never repeats early.
    private static (uint First, uint Step) Hash(string customerId)
    {
        var hash = XxHash64.HashToUInt64(MemoryMarshal.AsBytes(customerId.AsSpan()));
        return ((uint)hash, (uint)(hash >> 32) | 1);
    }
}
