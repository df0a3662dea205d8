using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// The archive's lag over a run, read from the archive itself: waits until no outbox row is left in the journal table
/// (the archivers caught up), then, for every blob of the archive container whose outbox row was written from
/// <c>--since</c> (unix ms) on, the time from its row's write (the row id's ticks, taken just before the transaction
/// that answered the 202) to the blob's creation (Azurite's clock, the same machine). Blob creation times have a
/// resolution of one second, so the figures are within a second.
/// </summary>
internal sealed class ArchiveLagProbe(ToolArgs args)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public async Task RunAsync()
    {
        var connection = args.Text("connection-string");
        var since = DateTimeOffset.FromUnixTimeMilliseconds((long)args.Number("since", 0));
        var started = DateTimeOffset.UtcNow;
        var journals = new TableClient(connection, args.Text("table", "ProfileGridJournals"));
        var deadline = started + args.Seconds("timeout", 600);
        int waiting;
        while ((waiting = await CountOutboxRowsAsync(journals)) > 0 && DateTimeOffset.UtcNow < deadline) await Task.Delay(500);
        var caughtUp = DateTimeOffset.UtcNow - started;

        var container = new BlobServiceClient(connection).GetBlobContainerClient(args.Text("container", "profilegrid-archive"));
        var lags = new List<double>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions()))
        {
            var rowId = blob.Name[(blob.Name.LastIndexOf('/') + 1)..];
            if (!long.TryParse(rowId.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)) continue;
            var written = new DateTimeOffset(ticks, TimeSpan.Zero);
            if (written < since || blob.Properties.CreatedOn is not { } created) continue;
            lags.Add(Math.Max(0, (created - written).TotalSeconds));
        }

        lags.Sort();
        double Percentile(double p) => lags.Count == 0 ? double.NaN : lags[Math.Min(lags.Count - 1, (int)Math.Ceiling(p * lags.Count) - 1)];
        var result = new
        {
            label = args.Optional("label"),
            blobs = lags.Count,
            lagSecondsP50 = Percentile(0.50),
            lagSecondsP99 = Percentile(0.99),
            lagSecondsMax = lags.Count == 0 ? double.NaN : lags[^1],
            outboxRowsLeft = waiting,
            secondsToCatchUpAfterTheRun = Math.Round(caughtUp.TotalSeconds, 1),
        };
        var text = JsonSerializer.Serialize(result, Indented);
        if (args.Optional("out") is { } file) await File.WriteAllTextAsync(file, text + Environment.NewLine);
        Console.WriteLine(text);
    }

    /// <summary>The outbox rows left in the journal table: records written and not archived yet.</summary>
    public static async Task<int> CountOutboxRowsAsync(TableClient journals)
    {
        var count = 0;
        await foreach (var _ in journals.QueryAsync<TableEntity>("RowKey ge '!outbox!' and RowKey lt '!outbox\"'", select: ["RowKey"]))
        {
            count++;
        }

        return count;
    }
}
