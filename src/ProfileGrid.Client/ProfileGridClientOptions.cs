namespace ProfileGrid.Client;

/// <summary>Where and how a <see cref="ProfileGridClient"/> sends.</summary>
public sealed class ProfileGridClientOptions
{
    /// <summary>The gateway's base address, e.g. <c>https://profilegrid.example.com/</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>A producer key (sent in <c>X-Api-Key</c>).</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>A batch is sent when it holds this many events (the gateway takes up to 1,000 per request).</summary>
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>A batch is sent at the latest this long after its first event was queued.</summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Events queued and not yet sent; past this, <see cref="ProfileGridClient.TrackAsync"/> waits and <see cref="ProfileGridClient.TryTrack"/> refuses.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Retries of a batch after a transient failure (a 5xx, 408, 429, a timeout, a refused connection), each after an exponential, jittered delay.</summary>
    public int MaxRetries { get; set; } = 6;

    /// <summary>The first retry's median delay; each next one doubles (with jitter), up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two tries of a batch.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one request may take before it counts as failed (and is retried).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Refuses options a client cannot work with when it is made, naming each setting, the range it must be in and the
    /// value given (one <see cref="ArgumentException"/> for all of them).
    /// </summary>
    internal void Validate()
    {
        if (Problems().ToList() is { Count: > 0 } problems) throw new ArgumentException($"ProfileGridClientOptions: {string.Join(" ", problems)}");
    }

    /// <summary>Each setting out of range, as "<c>Name must be …, not value.</c>"; none when all are fine.</summary>
    public IEnumerable<string> Problems()
    {
        var (millisecond, tenMinutes) = (TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10));
        if (Endpoint is null || !Endpoint.IsAbsoluteUri) yield return $"Endpoint must be the gateway's absolute base address, not '{Endpoint}'.";
        if (string.IsNullOrWhiteSpace(ApiKey)) yield return "ApiKey must be a producer key.";
        if (MaxBatchSize is < 1 or > 1000) yield return $"MaxBatchSize must be 1 to 1000 (events a request takes), not {MaxBatchSize}.";
        if (QueueCapacity < Math.Max(MaxBatchSize, 1)) yield return $"QueueCapacity must be at least MaxBatchSize ({MaxBatchSize}), not {QueueCapacity}.";
        if (MaxRetries is < 0 or > 100) yield return $"MaxRetries must be 0 to 100, not {MaxRetries}.";
        if (MaxBatchDelay < millisecond || MaxBatchDelay > tenMinutes) yield return $"MaxBatchDelay must be 1 ms to 10 min, not {MaxBatchDelay}.";
        if (MaxRetryDelay < millisecond || MaxRetryDelay > tenMinutes) yield return $"MaxRetryDelay must be 1 ms to 10 min, not {MaxRetryDelay}.";
        if (RetryDelay < millisecond || RetryDelay > MaxRetryDelay) yield return $"RetryDelay must be 1 ms to MaxRetryDelay ({MaxRetryDelay}), not {RetryDelay}.";
        if (RequestTimeout < millisecond || RequestTimeout > tenMinutes) yield return $"RequestTimeout must be 1 ms to 10 min, not {RequestTimeout}.";
    }
}
