using ProfileGrid.Settings;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>The section <c>ProfileGrid:BulkAdmission</c>: how bulk requests give way to small ones (<see cref="BulkAdmission"/>).</summary>
public sealed class BulkAdmissionOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid:BulkAdmission";

    public static string SectionPath => Section;

    /// <summary>Off: every request's events go to their grains at once, however busy the gateway is.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests with at least this many events are bulk; smaller ones never wait.</summary>
    public int BulkEvents { get; set; } = 10;

    /// <summary>
    /// While the thread pool starts a newly queued work item within this time, bulk requests go at once; above it
    /// they go one at a time.
    /// </summary>
    public TimeSpan QueueDelayTarget { get; set; } = TimeSpan.FromMilliseconds(0.5);

    /// <summary>
    /// How long a bulk request keeps the others waiting at most: after this, the next one goes even if the first is
    /// still in flight (it waits on storage, or is large).
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMilliseconds(5);

    public IEnumerable<string> Problems() => new[]
    {
        CheckedOptions.Within(nameof(BulkEvents), BulkEvents, 2, ProfileGrid.Events.EventLimits.MaxBatchEvents),
        CheckedOptions.Within(nameof(QueueDelayTarget), QueueDelayTarget, TimeSpan.FromMilliseconds(0.01), TimeSpan.FromSeconds(1)),
        CheckedOptions.Within(nameof(Lease), Lease, TimeSpan.FromMilliseconds(0.1), TimeSpan.FromSeconds(10)),
    }.OfType<string>();
}
