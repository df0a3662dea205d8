namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>
/// One POST of a batch: when it was sent and answered (since the load started), and how (<see cref="Status"/> is the
/// HTTP status, or 0 when the request threw, with <see cref="Error"/> saying what).
/// </summary>
internal sealed record Attempt(EventBatch Batch, int Try, TimeSpan Sent, TimeSpan Answered, int Status, string? Error)
{
    public bool Acknowledged => Status == 202;
}
