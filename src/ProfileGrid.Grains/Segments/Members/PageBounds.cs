using System.Text;

namespace ProfileGrid.Segments.Members;

/// <summary>
/// How large a member page may grow before it splits, and when it is small enough to merge with its neighbour: a
/// page past <see cref="Members"/> members or <see cref="Bytes"/> estimated bytes splits into even pages (two halves,
/// when it is just past), and a page under a quarter of both joins its right neighbour when together they stay within half.
/// </summary>
internal readonly record struct PageBounds(int Members, int Bytes)
{
    /// <summary>
    /// Bytes a member costs in a page, estimated: the id's UTF-8 and about 20 for its length, since and sequence. The
    /// estimate steers splits; the journal's own bounds are what storage enforces.
    /// </summary>
    public static int SizeOf(string customerId) => Encoding.UTF8.GetByteCount(customerId) + 20;

    public bool IsOver(int members, int bytes) => members > Members || bytes > Bytes;

    public bool IsUnder(int members, int bytes) => members < Members / 4 && bytes < Bytes / 4;

    public bool FitsOneHalf(int members, int bytes) => members <= Members / 2 && bytes <= Bytes / 2;
}
