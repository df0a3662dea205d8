using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using nietras.SeparatedValues;
using ProfileGrid.Importing;

namespace ProfileGrid.Gateway.Importing;

/// <summary>A line read: its action, or why it is rejected; blank lines have neither.</summary>
internal readonly record struct ImportItem(long Unit, ImportAction? Action, RejectedLine? Rejected);

/// <summary>
/// Reads an import's file from the start on a thread of its own (the readers are synchronous), skips the lines up to
/// the checkpoint, and hands each later line's action or rejection to the run through a bounded channel: memory
/// stays constant whatever the file's size, and parsing overlaps applying. A file that cannot be read (corrupt gzip,
/// a CSV header the mapping does not know) ends the channel with an <see cref="InvalidDataException"/>.
/// </summary>
/// <remarks>
/// A unit is a line of NDJSON, or a data row of CSV (whose rejections name the row's line in the file, the header
/// being line 1). The checkpoint counts units.
/// </remarks>
internal sealed class ImportReader(Stream source, ImportSource spec, string importId, long checkpoint, TimeProvider clock)
{
    /// <summary>The longest line read; a longer one is rejected, and the rest of the file still read.</summary>
    public const int MaxLineBytes = 1 << 20;

    private long _rawBytes;

    /// <summary>The bytes of the file (as stored, compressed if it is) read so far.</summary>
    public long BytesRead => Interlocked.Read(ref _rawBytes);

    public ChannelReader<ImportItem> Start(CancellationToken cancellation)
    {
        var channel = Channel.CreateBounded<ImportItem>(new BoundedChannelOptions(8192) { SingleReader = true, SingleWriter = true });
        _ = Task.Factory.StartNew(() =>
        {
            try
            {
                using var decoded = Decode(new CountingStream(source, this));
                if (spec.Format == ImportFormat.Csv) ReadCsv(decoded, channel.Writer, cancellation);
                else ReadNdjson(decoded, channel.Writer, cancellation);
                channel.Writer.Complete();
            }
            catch (Exception failure)
            {
                channel.Writer.Complete(failure);
            }
        }, cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return channel.Reader;
    }

    /// <summary>The file as text bytes: gunzipped if it starts with gzip's magic bytes, whatever its name or content encoding said.</summary>
    private static Stream Decode(Stream raw)
    {
        var buffered = new BufferedStream(raw, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        var read = buffered.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        var prefix = new PrefixStream(magic[..read].ToArray(), buffered);
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(prefix, CompressionMode.Decompress) : prefix;
    }

    private void ReadNdjson(Stream text, ChannelWriter<ImportItem> items, CancellationToken cancellation)
    {
        var buffer = new byte[MaxLineBytes + (1 << 16)];
        int start = 0, end = 0;
        long unit = 0;
        var tooLong = false;
        while (true)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (end - start >= MaxLineBytes)
                {
                    // The line goes on past the limit: drop what was read of it and say so when it ends.
                    (tooLong, start, end) = (true, 0, 0);
                }

                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    (end, start) = (end - start, 0);
                }

                var read = text.Read(buffer, end, buffer.Length - end);
                if (read > 0)
                {
                    end += read;
                    continue;
                }

                if (end > start || tooLong) Line(++unit, buffer.AsSpan(start, end - start), tooLong);
                return;
            }

            // A line that ends within the read-ahead past the limit is too long as well.
            Line(++unit, buffer.AsSpan(start, newline), tooLong || newline > MaxLineBytes);
            start += newline + 1;
            tooLong = false;
        }

        void Line(long number, ReadOnlySpan<byte> line, bool cut)
        {
            if (number <= checkpoint) return;
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            ImportItem item;
            if (cut) item = new ImportItem(number, null, Reject(number, $"the line is longer than {MaxLineBytes / 1024} KiB", line));
            else if (line.IndexOfAnyExcept(" \t"u8) < 0) item = new ImportItem(number, null, null);
            else item = Parse(number, number, line);
            Write(items, item, cancellation);
        }
    }

    private void ReadCsv(Stream text, ChannelWriter<ImportItem> items, CancellationToken cancellation)
    {
        var guarded = new RowLengthGuard(text);
        using var reader = Sep.Reader(options => options with { Unescape = true, DisableColCountCheck = true }).From(guarded);
        var records = CsvRecords.For(reader.Header.ColNames, out var problem) ?? throw new InvalidDataException(problem);
        long unit = 0;
        string[] cells = new string[records.ColumnCount];
        foreach (var row in reader)
        {
            guarded.RowRead(row.LineNumberToExcl);
            if (++unit <= checkpoint) continue;
            var line = row.LineNumberFrom;
            ImportItem item;
            if (row.ColCount != records.ColumnCount)
            {
                item = new ImportItem(unit, null, Reject(line, $"the row has {row.ColCount} cells; the header names {records.ColumnCount}", row.Span.ToString()));
            }
            else
            {
                for (var i = 0; i < cells.Length; i++) cells[i] = row[i].ToString();
                item = records.ToJson(i => cells[i], out var error) is { } json
                    ? Parse(unit, line, json.Span, rawText: row.Span.ToString())
                    : new ImportItem(unit, null, Reject(line, error, row.Span.ToString()));
            }

            Write(items, item, cancellation);
        }
    }

    private ImportItem Parse(long unit, long line, ReadOnlySpan<byte> json, string? rawText = null)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (reader.Read()) return new ImportItem(unit, null, Reject(line, "the line holds more than one JSON value", rawText, json));
            return ImportRecords.TryRead(document.RootElement, line, importId, spec.Producer, clock.GetUtcNow(), out var action, out var error)
                ? new ImportItem(unit, action, null)
                : new ImportItem(unit, null, Reject(line, error, rawText, json));
        }
        catch (JsonException malformed)
        {
            return new ImportItem(unit, null, Reject(line, $"the line is not valid JSON: {malformed.Message}", rawText, json));
        }
    }

    private static RejectedLine Reject(long line, string reason, string? text, ReadOnlySpan<byte> json = default) =>
        new(line, reason, Cut(text ?? Encoding.UTF8.GetString(json[..Math.Min(json.Length, ImportLimits.MaxRejectedTextLength * 4)])));

    private static RejectedLine Reject(long line, string reason, ReadOnlySpan<byte> text) => Reject(line, reason, null, text);

    private static string Cut(string text) => text.Length <= ImportLimits.MaxRejectedTextLength ? text : text[..ImportLimits.MaxRejectedTextLength];

    private static void Write(ChannelWriter<ImportItem> items, ImportItem item, CancellationToken cancellation)
    {
        while (!items.TryWrite(item))
        {
            // Full: wait for the run to take items (this thread is the reader's own).
            if (!items.WaitToWriteAsync(cancellation).AsTask().GetAwaiter().GetResult()) return;
        }
    }

    /// <summary>
    /// Bounds a CSV row as <see cref="MaxLineBytes"/> bounds an NDJSON line. Sep grows its buffer to hold a whole row,
    /// and a row has no end the reader can find without parsing (a quoted cell holds line breaks), so one unclosed
    /// quote would make the rest of a 10 GB file one row in memory. This stream fails the read once the parser has
    /// taken more than the limit (plus its read-ahead) since it last produced a row: the file cannot be read past
    /// that row, and the import fails saying so, after applying the rows before it.
    /// </summary>
    private sealed class RowLengthGuard(Stream inner) : ReadOnlyStream
    {
        /// <summary>Sep reads ahead of the row it parses; this much more than the limit is allowed before failing.</summary>
        private const int ReadAhead = 1 << 18;

        private long _sinceRow;
        private long _nextLine = 1;

        public void RowRead(int lineAfter) => (_sinceRow, _nextLine) = (0, lineAfter);

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

        private int Counted(int read)
        {
            _sinceRow += read;
            return _sinceRow <= MaxLineBytes + ReadAhead
                ? read
                : throw new InvalidDataException($"the CSV row from line {_nextLine} is longer than {MaxLineBytes / 1024} KiB (an unclosed quote?)");
        }
    }

    /// <summary>Counts the bytes read from the file as stored, for the estimate of the time left.</summary>
    private sealed class CountingStream(Stream inner, ImportReader owner) : ReadOnlyStream
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            Interlocked.Add(ref owner._rawBytes, read);
            return read;
        }

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            Interlocked.Add(ref owner._rawBytes, read);
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>The bytes already read to tell gzip apart, then the rest of the stream.</summary>
    private sealed class PrefixStream(byte[] prefix, Stream rest) : ReadOnlyStream
    {
        private int _offset;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_offset < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _offset);
                prefix.AsSpan(_offset, n).CopyTo(buffer);
                _offset += n;
                return n;
            }

            return rest.Read(buffer);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) rest.Dispose();
            base.Dispose(disposing);
        }
    }

    private abstract class ReadOnlyStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
