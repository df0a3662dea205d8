using ProfileGrid.Settings;

namespace ProfileGrid.Destinations;

/// <summary>How deliveries to destinations are queued, retried and given up on (configuration section <see cref="Section"/>).</summary>
public sealed class DeliveryOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid:Destinations";

    public static string SectionPath => Section;

    /// <summary>
    /// Queues per destination, each of a share of the customers (by a hash of the id): a destination has at most this
    /// many requests in flight, one per queue, and a customer's deliveries are in one queue, so they arrive in order.
    /// </summary>
    public int Partitions { get; set; } = 4;

    /// <summary>The queue (of <see cref="Partitions"/>) that holds a customer's deliveries, for every destination.</summary>
    public int PartitionOf(string customerId) => Storage.JournalPartitions.Of(customerId, Partitions);

    /// <summary>Deliveries a queue holds; past it, new ones go straight to the dead letters (the queue's state stays small).</summary>
    public int MaxQueueLength { get; set; } = 1000;

    /// <summary>How long one attempt may take before it counts as failed (a hanging destination).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before the first retry; each later wait doubles, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A delivery still failing this long after it was queued is dead-lettered.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a destination's circuit stays open after most attempts failed: no request is sent meanwhile.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Dead letters kept per destination; past it, the oldest are dropped (counted and logged).</summary>
    public int MaxDeadLetters { get; set; } = 1000;

    /// <summary>How often each silo makes sure every destination's queues are being sent (restarting those whose silo went away).</summary>
    public TimeSpan KeepRunningPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the reader of each partition of the deliveries outbox looks for rows when no write nudged it: the
    /// longest a delivery waits after its reader moved (a silo went away) or a nudge was lost.
    /// </summary>
    public TimeSpan OutboxPollPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether deliveries may connect to private network addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7),
    /// for a receiver inside the deployment's own network. Off, a destination that resolves only to such addresses is
    /// refused at every attempt: an admin's URL cannot reach the silos' neighbours.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    public IEnumerable<string> Problems() => new[]
    {
        CheckedOptions.Within(nameof(Partitions), Partitions, 1, 64),
        CheckedOptions.Within(nameof(MaxQueueLength), MaxQueueLength, 1, 100_000),
        CheckedOptions.Within(nameof(AttemptTimeout), AttemptTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)),
        CheckedOptions.Within(nameof(FirstRetryDelay), FirstRetryDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10)),
        CheckedOptions.Within(nameof(MaxRetryDelay), MaxRetryDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)),
        MaxRetryDelay >= FirstRetryDelay ? null : $"{nameof(MaxRetryDelay)} must be at least {nameof(FirstRetryDelay)} ({CheckedOptions.Describe(FirstRetryDelay)}), not {CheckedOptions.Describe(MaxRetryDelay)}.",
        CheckedOptions.Within(nameof(MaxAge), MaxAge, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7)),
        CheckedOptions.Within(nameof(BreakDuration), BreakDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(10)),
        CheckedOptions.Within(nameof(MaxDeadLetters), MaxDeadLetters, 1, 100_000),
        CheckedOptions.Within(nameof(KeepRunningPeriod), KeepRunningPeriod, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)),
        CheckedOptions.Within(nameof(OutboxPollPeriod), OutboxPollPeriod, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(5)),
    }.OfType<string>();
}
