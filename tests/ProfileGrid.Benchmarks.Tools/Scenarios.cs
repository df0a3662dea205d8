namespace ProfileGrid.Benchmarks.Tools;

/// <summary>
/// What <c>scripts/bench.sh</c> runs and the report reads: the memory scenarios (every one against the no-op
/// endpoint, the Orleans floor and ProfileGrid in memory), the durable ones, the push latency probes and the memory probe.
/// </summary>
internal static class Scenarios
{
    /// <summary>Memory-storage runs: name, batch size, customers. Each has <c>.noop</c>, <c>.floor</c> and <c>.memory</c> results.</summary>
    public static readonly (string Name, int Batch, int Customers)[] Memory =
    [
        ("single-1k", 1, 1_000), ("batch10-1k", 10, 1_000), ("batch100-1k", 100, 1_000), ("batch1000-1k", 1000, 1_000),
        ("batch100-100k", 100, 100_000), ("batch100-hot", 100, 1), ("single-hot", 1, 1),
    ];

    public static readonly Scenario[] Goals =
    [
        new("single events over 1,000 customers (memory)", "single-1k.memory", "single-1k.floor", "the Orleans floor", 0.5, false,
            "Every event is its own grain call and its own write of the customer's whole state (counters, activity ring, idempotency ids), where the floor writes one counter."),
        new("batches of 100 over 1,000 customers (memory)", "batch100-1k.memory", "batch100-1k.floor", "the Orleans floor", 0.5, false,
            "One grain call per customer of a batch, as the floor makes, but each call applies the events and serializes the customer's whole state for the write (6 KB for a typical customer, about 150 KB once 10,000 recent ids are kept: see benchmarks-micro.md), where the floor writes one counter."),
        new("batches of 100 over 100,000 customers (memory)", "batch100-100k.memory", "batch100-100k.floor", "the Orleans floor", 0.5, false,
            "As above, plus an activation (and a storage read) for almost every customer of every batch: with 100,000 customers few are active yet."),
        new("one hot customer, single events (memory)", "single-hot.memory", "single-hot.floor", "the Orleans floor", 1.0, false,
            "Concurrent calls to the customer share writes (group commit), but every write still serializes the customer's whole state (about 150 KB and 0.65 ms to serialize alone once it holds 10,000 recent ids), where the floor writes one counter per call. The goal needs a write that carries the change, not the history."),
        new("the hot customer after its history (memory)", "history-hot.memory", "single-hot.memory", "its fresh rate", 0.9, false,
            "The state written per event grows with history until its bounds (10,000 idempotency ids) are reached, then stays: the cost of history is bounded now but not nil. Note that the 'fresh' run itself sends about 10,000 events in its 20 s, so its own rate already includes most of that growth."),
        new("batches of 100 over 100,000 customers (Azurite)", "batch100-100k.azurite", "raw-batch", "raw 100-entity transactions (entities/s)", 0.5, false,
            "Each customer of a batch is its own table request (a read on first activation, then a write of the whole state); raw transactions write 100 entities per request."),
        new("one hot customer, single events (Azurite)", "single-hot.azurite", "raw-single", "raw single upserts/s", 2.0, false,
            "Concurrent events share a table write (group commit), which already puts the rate above the raw single-upsert rate; but each write carries the whole state (about 150 KB for a busy customer, against the probe's 1.5 KB entities), so a write takes longer than a raw upsert. 2× needs writes that carry the change."),
        new("live push at rest", "push-rest", "", "", 20, true,
            "The push goes event → grain → observer → hub → client; see the latency distribution."),
        new("live push while ingest runs at half its measured maximum", "push-load", "", "", 20, true,
            "The ingest's half rate comes from a closed-loop maximum; open loop at that rate on a shared 2-core machine already queues (ingest p50 in the table below), and pushes wait behind ingest work in the same process. The probe posts the next event to a customer only after its push arrived, so n falls below the 300 scheduled when pushes lag."),
    ];

    /// <summary>The memory probe's runs (<c>tests/ProfileGrid.Benchmarks.Memory</c>): customers, and the empty reference grain.</summary>
    public static readonly MemoryGoal MemoryPerCustomer = new("memory per activated customer at 100,000 customers", "memory-customer", "memory-empty", 4096,
        "The heap census of the probe says where the bytes are (table below): about 1,900 B of every activation are Orleans' own (an empty grain's: " +
        "ActivationData, its message loop and work item group, locks, the running-requests dictionary, the directory entries), and the customer " +
        "adds about 2,000 B, a few dozen objects of at most 200 B each: the state's collections, allocated at activation whether they hold " +
        "anything or not (the counters' dictionary, bucket arrays and lists; traits, consent, watchers; the idempotency set), the grain's own " +
        "objects (CustomerGrain, CustomerState, CustomerJournal, GroupCommit and its delegate), the event kept by the activity ring, and two strings.");
}
