using System.IO.Compression;
using System.Text;
using ProfileGrid.Gateway.Importing;
using ProfileGrid.Importing;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// The import file reader on its own: lines and rows numbered as in the file, a resumed read skipping exactly the
/// checkpoint, gzip recognised by its bytes, and a line too long to hold rejected without ending the read.
/// </summary>
public sealed class ImportReaderTests
{
    private const string Customer = "reader-customer";

    [Fact]
    public async Task Ndjson_lines_are_numbered_as_in_the_file_and_a_resumed_read_starts_after_the_checkpoint()
    {
        var text = "{\"type\":\"a\",\"customerId\":\"c1\"}\r\n\r\n{\"type\":\"b\",\"customerId\":\"c2\"}\r\n[1]\r\n{\"type\":\"c\",\"customerId\":\"c3\"}";

        var all = await ReadAsync(Encoding.UTF8.GetBytes(text), ImportFormat.Ndjson, checkpoint: 0);
        var resumed = await ReadAsync(Gzip(Encoding.UTF8.GetBytes(text)), ImportFormat.Ndjson, checkpoint: 3);

        Assert.Equal([1L, 2L, 3L, 4L, 5L], all.Select(item => item.Unit));
        Assert.Null(all[1].Action ?? (object?)all[1].Rejected);
        Assert.Equal(["import:imp:1", "import:imp:3", "import:imp:5"], all.Select(item => item.Action).OfType<ImportEvent>().Select(e => e.Event.Id));
        Assert.Equal((4L, "each line must be a JSON object"), (all[3].Rejected!.Line, all[3].Rejected!.Reason));
        Assert.Equal([4L, 5L], resumed.Select(item => item.Unit));
    }

    [Fact]
    public async Task A_line_over_the_limit_is_rejected_and_the_lines_after_it_still_read()
    {
        var longLine = "{\"type\":\"a\",\"customerId\":\"c1\",\"properties\":{\"x\":\"" + new string('x', ImportReader.MaxLineBytes + 100) + "\"}}";
        var text = $"{longLine}\n{{\"type\":\"b\",\"customerId\":\"c2\"}}\n";

        var items = await ReadAsync(Encoding.UTF8.GetBytes(text), ImportFormat.Ndjson, checkpoint: 0);

        Assert.Equal([1L, 2L], items.Select(item => item.Unit));
        Assert.StartsWith("the line is longer than 1024 KiB", items[0].Rejected!.Reason, StringComparison.Ordinal);
        Assert.Equal(ImportLimits.MaxRejectedTextLength, items[0].Rejected!.Text.Length);
        Assert.Equal("b", ((ImportEvent)items[1].Action!).Event.Type);
    }

    [Fact]
    public async Task Csv_rows_name_their_line_in_the_file_even_after_a_quoted_line_break()
    {
        var text = $"type,customerId,properties.note\npurchase,{Customer},\"two\nlines\"\npurchase,{Customer},x,extra\npage_view,{Customer},\n";

        var items = await ReadAsync(Encoding.UTF8.GetBytes(text), ImportFormat.Csv, checkpoint: 0);

        Assert.Equal([1L, 2L, 3L], items.Select(item => item.Unit));
        Assert.Equal("{\"note\":\"two\\nlines\"}", ((ImportEvent)items[0].Action!).Event.Properties);
        Assert.Equal((4L, "the row has 4 cells; the header names 3"), (items[1].Rejected!.Line, items[1].Rejected!.Reason));
        Assert.Equal(("page_view", "import:imp:5"), (((ImportEvent)items[2].Action!).Event.Type, ((ImportEvent)items[2].Action!).Event.Id));
    }

    [Fact]
    public async Task A_csv_row_past_the_limit_ends_the_read_after_the_rows_before_it_instead_of_filling_memory()
    {
        // An unclosed quote makes the rest of the file one row: 8 MiB here, a whole file in production.
        var good = $"purchase,{Customer},a\npurchase,{Customer},b\n";
        var text = $"type,customerId,properties.note\n{good}page_view,{Customer},\"never closed\n" + string.Concat(Enumerable.Repeat($"purchase,{Customer},x\n", 8 << 20 >> 5));
        var items = new List<ImportItem>();

        var failure = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(Encoding.UTF8.GetBytes(text), ImportFormat.Csv, checkpoint: 0, items));

        Assert.Equal("the CSV row from line 4 is longer than 1024 KiB (an unclosed quote?)", failure.Message);
        Assert.Equal([1L, 2L], items.Select(item => item.Unit));
        Assert.All(items, item => Assert.IsType<ImportEvent>(item.Action));

        // A closed row just under the limit still reads.
        var cell = new string('y', ImportReader.MaxLineBytes - 100);
        var near = await ReadAsync(Encoding.UTF8.GetBytes($"type,customerId,properties.note\npurchase,{Customer},\"{cell}\"\n{good}"), ImportFormat.Csv, checkpoint: 0);
        Assert.Equal([1L, 2L, 3L], near.Select(item => item.Unit));
    }

    private static async Task<List<ImportItem>> ReadAsync(byte[] file, ImportFormat format, long checkpoint, List<ImportItem> items)
    {
        var source = new ImportSource("memory", Staged: false, format, "test", file.Length, "test");
        var reader = new ImportReader(new MemoryStream(file), source, "imp", checkpoint, TimeProvider.System);
        await foreach (var item in reader.Start(CancellationToken.None).ReadAllAsync()) items.Add(item);
        return items;
    }

    private static async Task<List<ImportItem>> ReadAsync(byte[] file, ImportFormat format, long checkpoint)
    {
        return await ReadAsync(file, format, checkpoint, []);
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }
}
