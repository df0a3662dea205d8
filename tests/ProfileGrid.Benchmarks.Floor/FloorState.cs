namespace ProfileGrid.Benchmarks.Floor;

/// <summary>The floor's tiny per-customer state: how many events it received.</summary>
[GenerateSerializer, Alias("floor.state")]
public sealed class FloorState
{
    [Id(0)] public long Events { get; set; }
}
