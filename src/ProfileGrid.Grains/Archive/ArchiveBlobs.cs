using System.Globalization;
using System.IO.Compression;

namespace ProfileGrid.Archive;

/// <summary>
/// The archive's layout: one gzip-compressed NDJSON blob per read of outbox rows, named
/// <c>{yyyy}/{MM}/{dd}/{partition:D4}/{first row id}.ndjson.gz</c> by the day (UTC) its first row was written and the journal
/// partition (a hash of the customer), so a day, or a customer's partition of a day, reads without the rest; row ids
/// sort by time, so a partition's blobs list in the order written.
/// </summary>
public static class ArchiveBlobs
{
    public static string Name(DateTimeOffset writtenAt, int partition, string rowId) =>
        string.Create(CultureInfo.InvariantCulture, $"{DayPrefix(writtenAt)}{partition:D4}/{rowId}.ndjson.gz");

    /// <summary>The prefix of a day's blobs: <c>yyyy/MM/dd/</c>.</summary>
    public static string DayPrefix(DateTimeOffset day) => day.UtcDateTime.ToString("yyyy'/'MM'/'dd'/'", CultureInfo.InvariantCulture);

    /// <summary>The day a blob name starts with, if it does.</summary>
    public static DateOnly? DayOf(string name) =>
        name.Length >= 11 && DateOnly.TryParseExact(name.AsSpan(0, 10), "yyyy'/'MM'/'dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    /// <summary>The records (NDJSON lines) as one compressed blob.</summary>
    public static byte[] Write(IEnumerable<byte[]> lines)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            foreach (var line in lines)
            {
                gzip.Write(line);
                gzip.WriteByte((byte)'\n');
            }
        }

        return buffer.ToArray();
    }

    /// <summary>The lines of a blob as they were written (base64), to tell which outbox rows' records it holds.</summary>
    public static HashSet<string> Lines(byte[] blob)
    {
        using var gzip = new GZipStream(new MemoryStream(blob), CompressionMode.Decompress);
        using var text = new MemoryStream();
        gzip.CopyTo(text);
        var lines = new HashSet<string>(StringComparer.Ordinal);
        var rest = text.GetBuffer().AsSpan(0, (int)text.Length);
        while (rest.Length > 0)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            if (line.Length > 0) lines.Add(Convert.ToBase64String(line));
            rest = end < 0 ? [] : rest[(end + 1)..];
        }

        return lines;
    }

    /// <summary>The records of a blob, in order.</summary>
    public static List<ArchiveRecord> Read(byte[] blob)
    {
        using var gzip = new GZipStream(new MemoryStream(blob), CompressionMode.Decompress);
        using var text = new MemoryStream();
        gzip.CopyTo(text);
        var records = new List<ArchiveRecord>();
        var rest = text.GetBuffer().AsSpan(0, (int)text.Length);
        while (rest.Length > 0)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            if (line.Length > 0) records.Add(ArchiveRecord.Parse(line));
            rest = end < 0 ? [] : rest[(end + 1)..];
        }

        return records;
    }
}
