namespace ProfileGrid.Replay;

/// <summary>Every replay the grid remembers (the last <see cref="MaxJobs"/>), oldest first.</summary>
[GenerateSerializer, Alias("pg.ReplaysState")]
public sealed class ReplaysState
{
    public const int MaxJobs = 100;

    [Id(0)] public List<ReplayJob> Jobs { get; set; } = [];
}
