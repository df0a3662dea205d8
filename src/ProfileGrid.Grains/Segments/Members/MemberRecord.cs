namespace ProfileGrid.Segments.Members;

/// <summary>A member as a page keeps it: since when (UTC ticks) and the sequence number of the change that holds it.</summary>
internal readonly record struct MemberRecord(long SinceTicks, long Sequence);
