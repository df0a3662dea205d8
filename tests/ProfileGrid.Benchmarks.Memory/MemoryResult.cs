using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProfileGrid.Benchmarks.Memory;

/// <summary>
/// What the memory probe measured, written as JSON (<c>--out</c>); the benchmark report reads it. <see cref="Label"/>,
/// <see cref="Tool"/> and <see cref="Args"/> are named as in the load generator's results, so that the report lists
/// every run's command alike. Bytes are managed heap bytes after full blocking, compacting collections.
/// </summary>
public sealed record MemoryResult
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string? Label { get; init; }

    public string Tool { get; init; } = "ProfileGrid.Benchmarks.Memory";

    public string[] Args { get; init; } = [];

    /// <summary><c>customer</c> (ProfileGrid's customer grain, one event each) or <c>empty</c> (the reference grain).</summary>
    public string Grain { get; init; } = "";

    /// <summary>Activations made and measured.</summary>
    public int Activations { get; init; }

    /// <summary>Activations of the grain type the silo counted after the measurement: equal to <see cref="Activations"/> when none was lost.</summary>
    public int ActiveAtEnd { get; init; }

    public double ActivateSeconds { get; init; }

    /// <summary>After start-up and warm-up (whose activations were deactivated again).</summary>
    public long BaselineBytes { get; init; }

    /// <summary>With every activation alive.</summary>
    public long ActiveBytes { get; init; }

    /// <summary>After every activation was deactivated again: what the grains left behind (stored state, grown tables).</summary>
    public long DeactivatedBytes { get; init; }

    /// <summary>(active − baseline) / activations.</summary>
    public double BytesPerActivation { get; init; }

    /// <summary>(deactivated − baseline) / activations.</summary>
    public double LeftBytesPerActivation { get; init; }

    /// <summary>The heap census: every type of (active − deactivated) with a byte or more per activation, largest first: what the live activations hold.</summary>
    public TypeShare[]? HeldByActivations { get; init; }

    /// <summary>The heap census: every type of (deactivated − baseline) with a byte or more per activation, largest first: what stays after deactivation.</summary>
    public TypeShare[]? LeftAfterDeactivation { get; init; }

    public static MemoryResult Read(string path) =>
        JsonSerializer.Deserialize<MemoryResult>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} holds no result.");

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
