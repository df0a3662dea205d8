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
            "Every event is its own grain call and its own write, where the floor writes one counter: the write appends the event to the customer's journal (about 190 B) or, every few writes, stores a compressed snapshot of the state (a customer here holds about 2 KB: entries may take a fifth of it, so every third write or so is a snapshot). Until the suite warmed every target up before its first run, this first scenario measured the targets' JIT warm-up (0.40 and 0.65 in two runs)."),
        new("batches of 100 over 1,000 customers (memory)", "batch100-1k.memory", "batch100-1k.floor", "the Orleans floor", 0.5, false,
            "One grain call per customer of a batch, as the floor makes. Each customer gets about 150 events in the run, and its journal stores a new snapshot (a 3 to 5 KB state, serialized and Brotli-compressed) every few writes, because entries may take only part of the snapshot (a fifth under 2 KiB, which keeps a quiet customer under 2 KiB stored; half above). Encoding a typical snapshot takes about 32 µs, an entry about 0.6 µs (benchmarks-micro.md, JournalWriteBenchmarks); a thread-time profile of this scenario (dotnet-trace, while snapshots still used Brotli quality 2) put encoding at about 45% of the grain calls' time. The floor writes one counter."),
        new("batches of 100 over 100,000 customers (memory)", "batch100-100k.memory", "batch100-100k.floor", "the Orleans floor", 0.5, false,
            "One grain call per customer of a batch, as the floor makes, and an activation for almost every one of them (a new customer costs no storage read): the activation's state and journal objects, the first write a compressed snapshot. Three runs of this suite in one session (commits a6b0f9b, 119f0df, 12f5226) measured 0.56, 0.48 and 0.54: the shared machine moves this ratio by about 0.1 from run to run."),
        new("one hot customer, single events (memory)", "single-hot.memory", "single-hot.floor", "the Orleans floor", 1.0, false,
            "Concurrent calls share writes (group commit), a write appends only its events, and the snapshot (about 82 KB with 10,000 idempotency ids, 0.46 ms to encode: benchmarks-micro.md) comes every 20th write or so: what remains is spread over the whole request. Measured with wrk in one session (16 connections, one customer, single events), each process's CPU time per request: the floor 104-121 µs, ProfileGrid 137-148 µs. A perf profile of ProfileGrid puts Kestrel and the middleware outside the endpoint at about a fifth, authentication (API key, policy) about 6%, reading and validating the event and writing the answer about 8%, the grain call (apply, idempotency, counters, activity, group commit) about 15%, the journal write about 10%, and the rest in the thread pool, sockets and the GC; no single part is the gap. Three runs of this suite in one session (commits a6b0f9b, 119f0df, 12f5226) measured 0.81, 0.65 and 0.92. Two costs the profile showed are gone: Orleans' GetGrain resolved the grain's types by reflection on every call (now resolved once), and the idempotency log moved 120 KB per write once full (now it forgets without moving memory)."),
        new("the hot customer after its history (memory)", "history-hot.memory", "single-hot.memory", "its fresh rate", 0.9, false,
            "A write carries its events, not the history; the snapshot, rewritten every few writes, grows with history up to its bounds (10,000 idempotency ids), then stays. The 'fresh' run itself sends over 10,000 events in its 20 s, so it reaches those bounds too. Three runs of this suite in one session (commits a6b0f9b, 119f0df, 12f5226) measured 1.11, 0.97 and 0.8996: the last just under the goal, within the run-to-run noise of the two rates it divides."),
        new("batches of 100 over 100,000 customers (Azurite)", "batch100-100k.azurite", "raw-batch", "raw 100-entity transactions (entities/s)", 0.5, false,
            "A new customer is one insert and no read, and the writes of a table partition share a transaction. The partition count is not what limits it: an extra pair of runs in one session (this scenario's command, the gateway started with ProfileGrid__Storage__PartitionCount=8 and then the default 64, each against a fresh Azurite, with a raw-transaction run after each) gave 1,312 and 1,200 events/s against raw 3,923 and 3,637 entities/s. What does limit it is not measured yet; the gateway (new activations, snapshot encoding) and Azurite share the 2 cores, where the raw probe leaves Azurite nearly alone. Three runs of this suite in one session (commits a6b0f9b, 119f0df, 12f5226) measured 0.51, 0.48 and 0.36."),
        new("one hot customer, single events (Azurite)", "single-hot.azurite", "raw-single", "raw single upserts/s", 2.0, false,
            "Concurrent events share a table write (group commit), and a write merges only its entry into the customer's row."),
        new("live push at rest", "push-rest", "", "", 20, true,
            "The push goes event → grain → observer → hub → client; see the latency distribution."),
        new("live push while ingest runs at half its measured maximum", "push-load", "", "", 20, true,
            "The probe runs against a gateway of its own, after the ingest's own warm-up. Under this load the 2 cores are shared by the gateway (ingest and push), the load generator and the probe, and the tail is made of the moments the push waits behind ingest work and collections: docs/realtime.md measured that with collections put off, p99 under ingest equalled p99 at rest. Runtime GC settings were tried in one session against the same load (p99 of 300 pushes; the default gave 73 ms): no dynamic adaptation 68 ms, a 16 MB gen0 budget 494 ms, a 128 MB one 272 ms, unaffinitized GC threads 215 ms, non-concurrent GC 153 ms, workstation GC 635 ms (it could not keep the ingest rate); none is a lever. What each write allocates is (docs/realtime.md). The probe posts the next event to a customer only after its push arrived, so n falls below the 300 scheduled when pushes lag."),
    ];

    /// <summary>The memory probe's runs (<c>tests/ProfileGrid.Benchmarks.Memory</c>): customers, and the empty reference grain.</summary>
    public static readonly MemoryGoal MemoryPerCustomer = new("memory per activated customer at 100,000 customers", "memory-customer", "memory-empty", 4096,
        "The heap census of the probe says where the bytes are (table below): about 1,900 B of every activation are Orleans' own (an empty grain's: " +
        "ActivationData, its message loop and work item group, locks, the running-requests dictionary, the directory entries), and the customer " +
        "adds about 2,000 B, a few dozen objects of at most 200 B each: the state's collections, allocated at activation whether they hold " +
        "anything or not (the counters' dictionary, bucket arrays and lists; traits, consent; the idempotency set; watchers until this run's commit, allocated on first watch since), the grain's own " +
        "objects (CustomerGrain, CustomerState, CustomerJournal, GroupCommit and its delegate), the event kept by the activity ring, and two strings.");
}
