namespace ProfileGrid.Benchmarks.Floor;

/// <summary>The name of the floor's memory grain storage.</summary>
internal static class FloorStorage
{
    public const string Name = "floor";
}
