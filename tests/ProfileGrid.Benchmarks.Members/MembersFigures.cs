using System.Globalization;
using System.Text;
using ProfileGrid.LoadGenerator;

namespace ProfileGrid.Benchmarks.Members;

/// <summary>What one run measured, and its markdown section for docs/benchmarks.md.</summary>
internal sealed record MembersFigures(
    MembersOptions Options, double EnterSeconds, LatencySummary Calls, long Counted, LatencySummary Pages, long PageMembers,
    LatencySummary Checks, int WrongChecks, long PeakHeapBytes)
{
    public StoredRows? Stored { get; init; }

    public long HeapAfterBytes { get; init; }

    public long PeakWorkingSetBytes { get; init; }

    public string ToMarkdown(string command, string? note)
    {
        var (o, stored) = (Options, Stored!);
        var sending = o.Batch == 1
            ? "one announcement per call, as a customer sends its own"
            : string.Create(CultureInfo.InvariantCulture, $"{o.Batch:N0} announcements per call, each call's for one shard");
        var md = new StringBuilder();
        md.AppendLine(Invariant($"## Member index: {o.Count:N0} enter announcements")).AppendLine();
        md.AppendLine(Invariant($"`{command}` (`tests/ProfileGrid.Benchmarks.Members`): one silo in the tool's own process with memory journal"));
        md.AppendLine("storage for segment members and the default member options (a page splits past 2,000 members or 64 KiB, an active");
        md.AppendLine(Invariant($"shard keeps pages of about 20,000 members in memory); one segment, {ProfileGrid.Segments.SegmentShards.Count} shards. Ids are `c-` and 32 hex digits (34"));
        md.AppendLine(Invariant($"characters), spread uniformly as random ids are. Sent: {sending}, by {o.Concurrency:N0} callers each sending its next as soon"));
        md.AppendLine("as the last is answered. Reads after, one at a time: member pages of 100 as the gateway's");
        md.AppendLine("`GET /v1/segments/{name}/members?after=&limit=100` reads them (every shard asked for its first 101 after the cursor,");
        md.AppendLine("merged), the first from the start and the others after a random member; membership checks (`Contains`), half of");
        md.AppendLine(Invariant($"members, half of ids that never entered.{(note is null ? "" : " " + note)}")).AppendLine();
        md.AppendLine("| what | figure |");
        md.AppendLine("|---|---|");
        md.AppendLine(Invariant($"| enter announcements | {o.Count:N0} in {EnterSeconds:N0} s: **{o.Count / EnterSeconds:N0}/s** |"));
        md.AppendLine(Invariant($"| call latency (an announcement's `Update`) | p50 {Calls.P50:0.###} ms, p99 {Calls.P99:0.###} ms, max {Calls.Max:0.###} ms |"));
        md.AppendLine(Invariant($"| members counted after (the shards' `Count`, from their directories) | {Counted:N0} |"));
        md.AppendLine(Invariant($"| member page of 100 ({Pages.Count:N0} pages, {PageMembers:N0} members read) | **p50 {Pages.P50:0.###} ms, p99 {Pages.P99:0.###} ms**, max {Pages.Max:0.###} ms |"));
        md.AppendLine(Invariant($"| membership check ({Checks.Count:N0} checks, {WrongChecks} wrong answers) | **p50 {Checks.P50:0.###} ms, p99 {Checks.P99:0.###} ms**, max {Checks.Max:0.###} ms |"));
        md.AppendLine(Invariant($"| rows stored | {stored.Rows:N0}: {stored.Directories} directories, {stored.Pages:N0} pages in use, {stored.BlankRows:N0} blank rows kept for reuse |"));
        md.AppendLine(Invariant($"| bytes stored | {Size(stored.Bytes)} ({(double)stored.Bytes / Counted:0.#} B per member); largest row {Size(stored.LargestRow)} |"));
        md.AppendLine(Invariant($"| of which directories (and their logs) | {Size(stored.DirectoryBytes)}: {(double)stored.DirectoryBytes / stored.Pages:0.#} B per page listed |"));
        md.AppendLine(Invariant($"| peak memory (the process, memory storage's copy of every row included) | working set {Size(PeakWorkingSetBytes)}; managed heap at most {Size(PeakHeapBytes)}, {Size(HeapAfterBytes)} after the run (full collection) |"));
        return md.ToString();
    }

    private static string Size(long bytes) =>
        bytes < 10 * 1048576L ? Invariant($"{bytes / 1024.0:N0} KiB") : Invariant($"{bytes / 1048576.0:N0} MiB");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
