namespace ProfileGrid.Replay;

/// <summary>
/// Rebuilds customers from the archive (key <see cref="Key"/>): each replay reads the archived writes of the customers
/// it names (or of every customer with an archive key), replays them in order onto an empty state, and hands the
/// result to the customer's grain, which stores it. Replays run one after the other, in the background, at a
/// bounded share of the cluster (<c>ProfileGrid:Replay</c>); progress is stored, so a replay resumes after its
/// activation ends.
/// </summary>
[Alias("pg.IReplayGrain")]
public interface IReplayGrain : IGrainWithStringKey
{
    public const string Key = "replays";

    /// <summary>
    /// Queues a replay of <paramref name="customers"/> (ids, distinct), or of every customer when null; returns its
    /// status, or null (nothing started) when <c>ReplaysState.MaxUnfinished</c> replays already wait or run.
    /// </summary>
    [Alias("Start")]
    Task<ReplayStatus?> Start(string[]? customers);

    /// <summary>
    /// Queues a replay of every customer that brings back the year of days of <paramref name="types"/>, event types
    /// that just became history types (a segment defined to read their <c>365d</c>): it starts once every silo reads
    /// the definition (a few seconds), and its rebuilds keep those types' days for a year. Null as for <see cref="Start"/>.
    /// </summary>
    [Alias("StartHistory")]
    Task<ReplayStatus?> StartHistory(string[] types);

    /// <summary>The replay <paramref name="id"/>, or null if there is none (or it was one of the oldest, forgotten).</summary>
    [Alias("Status"), Orleans.Concurrency.ReadOnly]
    Task<ReplayStatus?> Status(string id);

    /// <summary>Does nothing but activate the grain, which resumes an unfinished replay on activation (each silo calls it now and then).</summary>
    [Alias("WakeUp"), Orleans.Concurrency.ReadOnly]
    Task WakeUp();
}
