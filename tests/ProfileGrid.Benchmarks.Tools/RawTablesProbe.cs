using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using ProfileGrid.LoadGenerator;

namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// The raw capacity of a table endpoint with entities sized like a small customer row (one binary property):
/// <c>single</c> upserts, or <c>batch</c> entity-group transactions of 100 upserts to one partition, from
/// <c>--concurrency</c> concurrent writers. Events in the result are entities written.
/// </summary>
internal sealed class RawTablesProbe(ToolArgs args)
{
    private const int TransactionSize = 100;
    private const int Partitions = 64;
    private long _rows;

    public async Task<RunResult> RunAsync()
    {
        var batch = args.Text("mode") switch
        {
            "single" => false,
            "batch" => true,
            var other => throw new ArgumentException($"--mode must be single or batch, not {other}."),
        };
        var concurrency = args.Int("concurrency", 16);
        var payload = new byte[args.Int("payload", 1536)];
        Random.Shared.NextBytes(payload);
        var service = new TableServiceClient(args.Text("connection-string"));
        var table = service.GetTableClient("benchraw" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateIfNotExistsAsync();

        await PhaseAsync(table, batch, concurrency, payload, args.Seconds("warmup", 3), new RunStats(), "warm-up");
        var stats = new RunStats();
        var elapsed = await PhaseAsync(table, batch, concurrency, payload, args.Seconds("duration", 10), stats, "measure");
        await table.DeleteAsync();

        return RunResult.Measured(stats, elapsed) with
        {
            Label = args.Optional("label"),
            Tool = "ProfileGrid.Benchmarks.Tools tables",
            Target = table.Uri.GetLeftPart(UriPartial.Authority) + " (" + (batch ? "100-entity transactions" : "single upserts") + ")",
            Concurrency = concurrency,
            Batch = batch ? TransactionSize : 1,
            WarmupSeconds = args.Number("warmup", 3),
        };
    }

    private async Task<TimeSpan> PhaseAsync(TableClient table, bool batch, int concurrency, byte[] payload, TimeSpan duration, RunStats stats, string phase)
    {
        await using var progress = new Progress(phase, stats, quiet: false);
        progress.Start();
        var start = Stopwatch.GetTimestamp();
        var writers = Enumerable.Range(0, concurrency).Select(async writer =>
        {
            while (Stopwatch.GetElapsedTime(start) < duration)
            {
                var since = Stopwatch.GetTimestamp();
                try
                {
                    if (batch)
                    {
                        var partition = $"b{writer}-{Interlocked.Increment(ref _rows) % Partitions}";
                        var actions = Enumerable.Range(0, TransactionSize)
                            .Select(_ => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Entity(partition, payload)));
                        await table.SubmitTransactionAsync(actions);
                        stats.Succeeded(new Answer(TransactionSize, 0, 0), Stopwatch.GetElapsedTime(since));
                    }
                    else
                    {
                        await table.UpsertEntityAsync(Entity($"p{Interlocked.Read(ref _rows) % Partitions}", payload), TableUpdateMode.Replace);
                        stats.Succeeded(new Answer(1, 0, 0), Stopwatch.GetElapsedTime(since));
                    }
                }
                catch (RequestFailedException exception)
                {
                    stats.Failed(exception.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), Stopwatch.GetElapsedTime(since));
                }
            }
        });
        await Task.WhenAll(writers);
        return Stopwatch.GetElapsedTime(start);
    }

    private TableEntity Entity(string partition, byte[] payload) =>
        new(partition, Interlocked.Increment(ref _rows).ToString("D12", System.Globalization.CultureInfo.InvariantCulture)) { ["State"] = payload };
}
