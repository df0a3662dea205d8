using System.IO.Hashing;
using System.Text;

namespace ProfileGrid.Storage;

/// <summary>The partition of a journal key: a stable hash of the key modulo the partition count, the same in every store and process.</summary>
public static class JournalPartitions
{
    public static int Of(string key, int partitionCount) =>
        (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(key)) % (uint)partitionCount);
}
