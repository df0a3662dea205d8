using ProfileGrid.Benchmarks.Tools;
using ProfileGrid.LoadGenerator;

const string Usage = """
    ProfileGrid.Benchmarks.Tools <command> [--name value ...]
      tables  --connection-string <cs> --mode single|batch [--duration 10] [--warmup 3] [--concurrency 16] [--payload 1536] [--label x] [--out f.json]
      push    --url <gateway> --agent-key <k> --producer-key <k> [--customers 5] [--rate 20] [--duration 10] [--warmup 3] [--customer-prefix push-] [--label x] [--out f.json]
      destinations --url <gateway> --producer-key <k> --receiver <url> [--hook good] [--event-type bench_signal] [--rate 50] [--duration 10] [--warmup 3] [--wait 60] [--customer-prefix delivery-] [--label x] [--out f.json]   (exit 1 if a delivery is missing)
      exclusion --url <gateway> --admin-key <k> --agent-key <k> --customer-prefix <p> [--customers 1000] [--ids 1] [--rate 50] [--duration 10] [--warmup 3] [--label x] [--out f.json]
      report  --results <dir> --out docs/benchmarks.md --images docs [--title-note text]
      populate --url <gateway> --producer-key <k> [--customers 1000000] [--customer-prefix stored-] [--concurrency 8] [--label x] [--out f.json]
      backfill --url <gateway> --admin-key <k> --agent-key <k> --rule <rule> [--segment bench-backfill] [--poll 0.5] [--out f.json]
      import-file --file <f.ndjson.gz> [--events 10000000] [--customers 1000000] [--customer-prefix imported-]
      archive-lag --connection-string <cs> [--since <unix ms>] [--timeout 600] [--container profilegrid-archive] [--label x] [--out f.json]
      profiles --url <gateway> --agent-key <k> --out <f.txt> [--customers 1000] [--sample 200] [--customer-prefix stored-] [--seq-offset 0]
      empty   --connection-string <cs>   (deletes the customers' tables once their outbox is archived)
      replay  --url <gateway> --admin-key <k> [--poll 0.5] [--out f.json]
      backfill-report --results <dir> --out <section.md> --command <text> --run <text> --sweep <text> --load-start <unix ms> --load-end <unix ms> --rss-stored <text> --rss-after <text> [--settle <s>]
    """;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

var options = new ToolArgs(args[1..]);
if (args[0] == "import-file") return new ImportFileGenerator(options).Run();
if (args[0] == "destinations") return await new DeliveryLatencyProbe(options).RunAsync();
RunResult? result = args[0] switch
{
    "tables" => await new RawTablesProbe(options).RunAsync(),
    "push" => await new PushLatencyProbe(options).RunAsync(),
    "exclusion" => await new ExclusionCheckProbe(options).RunAsync(),
    "report" => new BenchmarkReport(options).Write(),
    "populate" => await new PopulateProbe(options).RunAsync(),
    "backfill" => await new BackfillProbe(options).RunAsync(),
    "backfill-report" => new BackfillReport(options).Write(),
    "archive-lag" => await ArchiveLag(options),
    "profiles" => await Replay(options, probe => probe.ProfilesAsync()),
    "empty" => await Replay(options, probe => probe.EmptyAsync()),
    "replay" => await Replay(options, probe => probe.ReplayAsync()),
    _ => throw new ArgumentException($"Unknown command {args[0]}.{Environment.NewLine}{Usage}"),
};
if (result is null) return 0;
var json = result with { Args = args };
var text = json.ToJson();
if (options.Optional("out") is { } file) await File.WriteAllTextAsync(file, text + Environment.NewLine);
Console.WriteLine(text);
return 0;

static async Task<RunResult?> ArchiveLag(ToolArgs options)
{
    await new ArchiveLagProbe(options).RunAsync();
    return null;
}

static async Task<RunResult?> Replay(ToolArgs options, Func<ReplayProbe, Task> step)
{
    await step(new ReplayProbe(options));
    return null;
}
