using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProfileGrid.LoadGenerator;

/// <summary>What a run measured, written as JSON on stdout (and to <c>--out</c>); the suite's report reads these.</summary>
public sealed record RunResult
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string? Label { get; init; }

    public string Tool { get; init; } = "ProfileGrid.LoadGenerator";

    public string[] Args { get; init; } = [];

    public string Target { get; init; } = "";

    /// <summary><c>closed</c> (fixed connections, as fast as answers come) or <c>open</c> (requests on a schedule).</summary>
    public string Mode { get; init; } = "closed";

    public int Concurrency { get; init; }

    public double? Rate { get; init; }

    public int Batch { get; init; }

    public int Customers { get; init; }

    public double Zipf { get; init; }

    public double DurationSeconds { get; init; }

    public double WarmupSeconds { get; init; }

    public long Requests { get; init; }

    /// <summary>Events the target accepted (its answers' <c>accepted</c>), or entities written for raw storage.</summary>
    public long Events { get; init; }

    public long Duplicates { get; init; }

    public long Rejected { get; init; }

    /// <summary>Failed requests by HTTP status or exception kind.</summary>
    public Dictionary<string, long> Errors { get; init; } = [];

    public long ErrorCount => Errors.Values.Sum();

    public double EventsPerSecond { get; init; }

    public double RequestsPerSecond { get; init; }

    public LatencySummary LatencyMs { get; init; } = new(0, 0, 0, 0, 0);

    public LatencyPoint[] Percentiles { get; init; } = [];

    public PreloadResult? Preload { get; init; }

    /// <summary>CPU seconds the target process (<c>--target-pid</c>) spent over the measured phase, every thread.</summary>
    public double? TargetCpuSeconds { get; init; }

    /// <summary><see cref="TargetCpuSeconds"/> over <see cref="Events"/>, in microseconds: the target's cost per event.</summary>
    public double? TargetCpuMicrosecondsPerEvent { get; init; }

    /// <summary>CPU seconds the load generator itself spent over the measured phase.</summary>
    public double GeneratorCpuSeconds { get; init; }

    /// <summary>What <paramref name="stats"/> counted over <paramref name="elapsed"/>; the caller adds what was run.</summary>
    public static RunResult Measured(RunStats stats, TimeSpan elapsed) => new()
    {
        DurationSeconds = Math.Round(elapsed.TotalSeconds, 3),
        Requests = stats.Requests,
        Events = stats.Events,
        Duplicates = stats.Duplicates,
        Rejected = stats.Rejected,
        Errors = stats.Errors,
        EventsPerSecond = Math.Round(stats.Events / elapsed.TotalSeconds, 1),
        RequestsPerSecond = Math.Round(stats.Requests / elapsed.TotalSeconds, 1),
        LatencyMs = stats.Latency.Summary(),
        Percentiles = stats.Latency.Distribution(),
    };

    /// <summary>This result with the CPU seconds <paramref name="cpu"/> measured over its phase.</summary>
    public RunResult WithCpu((double? Target, double Generator) cpu) => this with
    {
        TargetCpuSeconds = cpu.Target is { } target ? Math.Round(target, 3) : null,
        TargetCpuMicrosecondsPerEvent = cpu.Target is { } used && Events > 0 ? Math.Round(used * 1e6 / Events, 3) : null,
        GeneratorCpuSeconds = Math.Round(cpu.Generator, 3),
    };

    public static RunResult Read(string path) =>
        JsonSerializer.Deserialize<RunResult>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} holds no result.");

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
