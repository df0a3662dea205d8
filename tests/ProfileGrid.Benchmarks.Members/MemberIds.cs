using System.Buffers.Binary;
using System.IO.Hashing;

namespace ProfileGrid.Benchmarks.Members;

/// <summary>
/// Customer ids as producers make them, from an index: <c>c-</c> and 32 hex digits (a GUID without dashes), 34
/// characters, spread uniformly over the id space as random ids are. The same index gives the same id in every run.
/// </summary>
internal static class MemberIds
{
    public static string Of(long index)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, index);
        return "c-" + Convert.ToHexStringLower(XxHash128.Hash(bytes));
    }
}
