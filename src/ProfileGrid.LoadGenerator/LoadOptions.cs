using System.Globalization;

namespace ProfileGrid.LoadGenerator;

/// <summary>The command line of one load run: where to send, what to send, how hard and for how long.</summary>
public sealed record LoadOptions
{
    public const string Usage = """
        Posts customer events to an HTTP endpoint and reports throughput and latency as JSON.

          --url <url>            base address                           (default http://127.0.0.1:5080)
          --path <path>          request path                           (default /v1/events)
          --key <key>            sent as X-Api-Key                      (default none)
          --customers <n>        customer population                    (default 1000; 1 = one hot customer)
          --zipf <s>             Zipf exponent over the customers       (default 0 = uniform)
          --customer-prefix <p>  customer ids are <p><index>            (default c-)
          --batch <n>            events per request: 1 = one event object, else {"events":[...]} (default 1)
          --concurrency <n>      closed loop: n connections posting as fast as answers come (default 16)
          --rate <r>             open loop: r requests/s started on schedule; latency from the scheduled time
          --duration <s>         measured seconds                       (default 10)
          --warmup <s>           seconds sent first and not measured    (default 3)
          --preload <n>          before warm-up, send n events to customer <p>0 in batches of 1,000 (history)
          --run-id <id>          event ids are <id>-<counter>           (default: random)
          --label <text>         copied into the result                 (default none)
          --out <file>           write the JSON result there as well as to stdout
          --via <http|client>    http: pre-encoded requests, one per slot (default); client: events through
                                 ProfileGrid.Client (batches of --batch, its queue and retries), --rate in
                                 events/s, latency per batch as the client measures it
          --target-pid <pid>     the target's process: its CPU seconds over the measured phase, and per event
          --quiet                no progress lines on stderr
        """;

    public Uri Url { get; init; } = new("http://127.0.0.1:5080");

    public string Path { get; init; } = "/v1/events";

    public string? Key { get; init; }

    public int Customers { get; init; } = 1000;

    public double Zipf { get; init; }

    public string CustomerPrefix { get; init; } = "c-";

    public int Batch { get; init; } = 1;

    public int Concurrency { get; init; } = 16;

    /// <summary>Requests per second in open loop; null for closed loop.</summary>
    public double? Rate { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    public long Preload { get; init; }

    public string RunId { get; init; } = Guid.NewGuid().ToString("N")[..8];

    public string? Label { get; init; }

    public string? Out { get; init; }

    public bool Quiet { get; init; }

    /// <summary>The target's process id, whose CPU time the run reports per event; null when not given.</summary>
    public int? TargetPid { get; init; }

    /// <summary>Whether events go through the producer client rather than as pre-encoded requests.</summary>
    public bool ViaClient { get; init; }

    /// <summary>The result of a measured phase, with what these options say about the run.</summary>
    public RunResult Describe(RunStats stats, TimeSpan elapsed, (double? Target, double Generator) cpu, string[] args, string target, PreloadResult? preload = null) =>
        RunResult.Measured(stats, elapsed).WithCpu(cpu) with
        {
            Label = Label,
            Args = args,
            Target = target,
            Mode = Rate is null ? "closed" : "open",
            Concurrency = Concurrency,
            Rate = Rate,
            Batch = Batch,
            Customers = Customers,
            Zipf = Zipf,
            WarmupSeconds = Warmup.TotalSeconds,
            Preload = preload,
        };

    /// <summary>The options, or null with <paramref name="error"/> set (empty for <c>--help</c>).</summary>
    public static LoadOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help") { error = ""; return null; }
            if (name == "--quiet") { options = options with { Quiet = true }; continue; }
            var value = i + 1 < args.Count ? args[++i] : null;
            if (value is null) { error = $"{name} needs a value."; return null; }
            var next = name switch
            {
                "--url" when Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" => options with { Url = url },
                "--path" when value.StartsWith('/') => options with { Path = value },
                "--key" => options with { Key = value },
                "--customers" when Int(value) is >= 1 and <= 100_000_000 => options with { Customers = Int(value) },
                "--zipf" when Number(value) is >= 0 and <= 10 => options with { Zipf = Number(value) },
                "--customer-prefix" when value.Length is >= 1 and <= 64 => options with { CustomerPrefix = value },
                "--batch" when Int(value) is >= 1 and <= 1000 => options with { Batch = Int(value) },
                "--concurrency" when Int(value) is >= 1 and <= 4096 => options with { Concurrency = Int(value) },
                "--rate" when Number(value) is > 0 and <= 1_000_000 => options with { Rate = Number(value) },
                "--duration" when Number(value) is > 0 and <= 86_400 => options with { Duration = TimeSpan.FromSeconds(Number(value)) },
                "--warmup" when Number(value) is >= 0 and <= 3_600 => options with { Warmup = TimeSpan.FromSeconds(Number(value)) },
                "--preload" when long.TryParse(value, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 1_000_000_000 => options with { Preload = n },
                "--run-id" when value.Length is >= 1 and <= 32 => options with { RunId = value },
                "--label" => options with { Label = value },
                "--out" => options with { Out = value },
                "--target-pid" when Int(value) > 0 => options with { TargetPid = Int(value) },
                "--via" when value is "http" or "client" => options with { ViaClient = value == "client" },
                _ => null,
            };
            if (next is null)
            {
                error = $"{name} {value}: unknown option or value out of range (see --help).";
                return null;
            }

            options = next;
        }

        error = null;
        return options;
    }

    private static int Int(string value) => int.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : -1;

    private static double Number(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) ? n : -1;
}
