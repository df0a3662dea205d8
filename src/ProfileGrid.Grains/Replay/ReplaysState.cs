namespace ProfileGrid.Replay;

/// <summary>Every replay the grid remembers (the last <see cref="MaxJobs"/>), oldest first.</summary>
[GenerateSerializer, Alias("pg.ReplaysState")]
public sealed class ReplaysState
{
    public const int MaxJobs = 100;

    /// <summary>Replays that may wait or run at once: each holds its list of customers until it finishes.</summary>
    public const int MaxUnfinished = 10;

    [Id(0)] public List<ReplayJob> Jobs { get; set; } = [];
}
