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

    internal void Validate()
    {
        if (Endpoint is null || !Endpoint.IsAbsoluteUri) throw new ArgumentException("Endpoint must be the gateway's absolute base address.", nameof(Endpoint));
        if (string.IsNullOrWhiteSpace(ApiKey)) throw new ArgumentException("ApiKey must be a producer key.", nameof(ApiKey));
        if (MaxBatchSize is < 1 or > 1000) throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "A batch holds 1 to 1,000 events.");
        if (QueueCapacity < MaxBatchSize) throw new ArgumentOutOfRangeException(nameof(QueueCapacity), QueueCapacity, "The queue must hold at least one batch.");
        if (MaxRetries < 0) throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "Retries cannot be negative.");
        if (MaxBatchDelay <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MaxBatchDelay), MaxBatchDelay, "The batch delay must be positive.");
    }
}
