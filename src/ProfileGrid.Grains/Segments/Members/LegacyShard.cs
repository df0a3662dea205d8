using ProfileGrid.Customers;
using ProfileGrid.Storage;

namespace ProfileGrid.Segments.Members;

/// <summary>
/// A shard as releases before member pages stored it: one journal under the shard's own key, whose snapshot was the
/// sorted member list and whose entries were the changes of each call. A shard that finds one moves its members into
/// pages (<see cref="MemberIndex"/>) and blanks it; these types stay so that such rows still read.
/// </summary>
internal static class LegacyShard
{
    /// <summary>The members the journal holds (an empty set for a blanked row), since when; sequence numbers were not kept.</summary>
    public static SortedList<string, MemberRecord> Read(JournalRead read, CustomerCodec codec, string key)
    {
        var members = new SortedList<string, MemberRecord>(StringComparer.Ordinal);
        if (read.Snapshot is null) return members;
        var snapshot = codec.Decode<SegmentMembersSnapshot>(read.Snapshot, key);
        for (var i = 0; i < snapshot.Ids.Length; i++) members[snapshot.Ids[i]] = new MemberRecord(snapshot.Since[i], 0);
        foreach (var payload in read.Entries)
        {
            foreach (var change in codec.Decode<SegmentMembersEntry>(payload, key).Changes)
            {
                if (!change.Entered) members.Remove(change.CustomerId);
                else if (!members.ContainsKey(change.CustomerId)) members[change.CustomerId] = new MemberRecord(change.AtTicks, 0);
            }
        }

        return members;
    }

    /// <summary>What a blanked row holds: no member, readable by the earlier release too.</summary>
    public static byte[] Blank(CustomerCodec codec) => codec.Encode(new SegmentMembersSnapshot([], [], []), compress: false);
}

/// <summary>One change as a shard before member pages stored it.</summary>
[GenerateSerializer, Immutable, Alias("pg.SegmentStoredChange")]
public readonly record struct StoredChange(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] bool Entered,
    [property: Id(2)] long AtTicks,
    [property: Id(3)] long RecheckTicks);

[GenerateSerializer, Alias("pg.SegmentMembersEntry")]
public sealed record SegmentMembersEntry([property: Id(0)] StoredChange[] Changes);

/// <summary>A shard's members before member pages, as columns in id order: ids, since and recheck times (UTC ticks; 0 for none).</summary>
[GenerateSerializer, Alias("pg.SegmentMembersSnapshot")]
public sealed record SegmentMembersSnapshot(
    [property: Id(0)] string[] Ids,
    [property: Id(1)] long[] Since,
    [property: Id(2)] long[] Recheck);
