using Microsoft.Extensions.Options;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>The section <c>ProfileGrid:BulkAdmission</c>: how bulk requests give way to small ones (<see cref="BulkAdmission"/>).</summary>
public sealed class BulkAdmissionOptions
{
    public const string Section = "ProfileGrid:BulkAdmission";

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
}

internal sealed class BulkAdmissionOptionsValidator : IValidateOptions<BulkAdmissionOptions>
{
    public ValidateOptionsResult Validate(string? name, BulkAdmissionOptions options)
    {
        var failures = new List<string>();
        if (options.BulkEvents < 2) failures.Add($"{BulkAdmissionOptions.Section}:BulkEvents must be at least 2, not {options.BulkEvents}.");
        if (options.QueueDelayTarget <= TimeSpan.Zero) failures.Add($"{BulkAdmissionOptions.Section}:QueueDelayTarget must be positive.");
        if (options.Lease <= TimeSpan.Zero) failures.Add($"{BulkAdmissionOptions.Section}:Lease must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
