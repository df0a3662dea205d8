using ProfileGrid.Destinations;

namespace ProfileGrid.Grains.Tests.Destinations;

/// <summary>
/// What a queue remembers of its deliveries since it was activated: counts, the last error, whether its head is being
/// retried, latency buckets whose percentiles are exact bucket bounds, and a ring of the last 256 outcomes, read per
/// customer, newest first, after the deliveries still waiting.
/// </summary>
public sealed class DeliveryLogTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static Delivery Delivery(string id, string customer = "c-1", double queuedSecondsAgo = 0, DateTimeOffset? at = null) =>
        new(id, customer, "com.profilegrid.event", "{}", (at ?? Start).AddSeconds(-queuedSecondsAgo));

    [Fact]
    public void Counts_last_error_and_retrying_follow_attempts_and_outcomes()
    {
        var log = new DeliveryLog(Start);
        var (first, second) = (Delivery("msg_1"), Delivery("msg_2"));

        log.AttemptFailed(first, "the destination answered HTTP 500", Start.AddSeconds(1));
        log.AttemptFailed(first, "no answer within the attempt timeout", Start.AddSeconds(2));
        var retrying = log.Status(depth: 2);
        Assert.Equal(new QueueStatus(2, Start, 0, 2, true, 0, new DeliveryError("no answer within the attempt timeout", Start.AddSeconds(2)), retrying.Latencies), retrying);

        log.Delivered(first, attempts: 3, Start.AddSeconds(3));
        log.DeadLettered(second, attempts: 0, "the destination's queue was full", Start.AddSeconds(4));
        var status = log.Status(depth: 0);
        Assert.Equal((0, Start, 1L, 2L, false, 1L), (status.Depth, status.Since, status.Delivered, status.FailedAttempts, status.Retrying, status.DeadLettered));
        Assert.Equal(new DeliveryError("the destination's queue was full", Start.AddSeconds(4)), status.LastError);
        Assert.Equal(1, status.Latencies.Total);
        Assert.Equal(TimeSpan.FromSeconds(3), status.Latencies.Slowest);
    }

    [Fact]
    public void Percentiles_are_the_bounds_of_the_buckets_by_nearest_rank_never_above_the_slowest()
    {
        var log = new DeliveryLog(Start);
        // 90 deliveries of 30 ms (bucket ≤ 50 ms), 8 of 700 ms (≤ 1 s), 2 of 3 s (≤ 5 s, the slowest).
        var at = Start;
        void Deliver(int count, double seconds)
        {
            for (var i = 0; i < count; i++)
            {
                at = at.AddMinutes(1);
                log.Delivered(Delivery($"msg_{at.Ticks}", at: at, queuedSecondsAgo: seconds), 1, at);
            }
        }

        Deliver(90, 0.030);
        Deliver(8, 0.700);
        Deliver(2, 3);

        var latencies = log.Status(0).Latencies;
        Assert.Equal(100, latencies.Total);
        Assert.Equal(TimeSpan.FromMilliseconds(50), latencies.Percentile(0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(50), latencies.Percentile(0.9));
        Assert.Equal(TimeSpan.FromSeconds(1), latencies.Percentile(0.95));
        Assert.Equal(TimeSpan.FromSeconds(1), latencies.Percentile(0.98));
        // The 99th is in the ≤ 5 s bucket, whose bound is above the slowest seen: the slowest.
        Assert.Equal(TimeSpan.FromSeconds(3), latencies.Percentile(0.99));
        Assert.Equal(TimeSpan.FromSeconds(3), latencies.Slowest);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(1.001, 1)]
    [InlineData(1000, 9)]
    [InlineData(3_600_000, 19)]
    [InlineData(3_600_001, 20)]
    public void A_latency_is_counted_in_the_first_bucket_whose_bound_it_does_not_exceed(double milliseconds, int bucket) =>
        Assert.Equal(bucket, DeliveryLatencies.BucketOf(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void Latencies_of_several_queues_add_exactly_and_none_have_no_percentiles()
    {
        var (one, two, three) = (new DeliveryLog(Start), new DeliveryLog(Start), new DeliveryLog(Start));
        one.Delivered(Delivery("msg_1", queuedSecondsAgo: 0.004), 1, Start);
        two.Delivered(Delivery("msg_2", queuedSecondsAgo: 0.150), 1, Start);
        two.Delivered(Delivery("msg_3", queuedSecondsAgo: 0.180), 1, Start);
        three.Delivered(Delivery("msg_4", queuedSecondsAgo: 0.900), 1, Start);

        var sum = DeliveryLatencies.None.Plus(one.Status(0).Latencies).Plus(two.Status(0).Latencies).Plus(three.Status(0).Latencies);

        Assert.Equal(4, sum.Total);
        Assert.Equal(TimeSpan.FromMilliseconds(5), sum.Percentile(0.01));
        Assert.Equal(TimeSpan.FromMilliseconds(200), sum.Percentile(0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(900), sum.Percentile(0.99));
        Assert.Equal(TimeSpan.FromMilliseconds(900), sum.Slowest);
        Assert.Null(DeliveryLatencies.None.Percentile(0.5));
    }

    [Fact]
    public void A_customer_s_deliveries_are_the_waiting_ones_then_the_finished_newest_first()
    {
        var log = new DeliveryLog(Start);
        log.Delivered(Delivery("msg_a1", "ann"), 1, Start.AddSeconds(1));
        log.Delivered(Delivery("msg_b1", "bob"), 1, Start.AddSeconds(2));
        log.DeadLettered(Delivery("msg_a2", "ann"), 4, "the destination answered HTTP 500", Start.AddSeconds(3));
        Delivery[] queue = [Delivery("msg_a3", "ann"), Delivery("msg_b2", "bob"), Delivery("msg_a4", "ann")];
        log.AttemptFailed(queue[0], "the destination answered HTTP 503", Start.AddSeconds(4));
        log.AttemptFailed(queue[0], "the destination answered HTTP 503", Start.AddSeconds(5));

        var told = log.Told("ann", queue, limit: 10);

        Assert.Equal(["msg_a4", "msg_a3", "msg_a2", "msg_a1"], told.Select(record => record.Id));
        Assert.Equal([DeliveryState.Pending, DeliveryState.Retrying, DeliveryState.DeadLettered, DeliveryState.Delivered], told.Select(record => record.State));
        Assert.Equal([0, 2, 4, 1], told.Select(record => record.Attempts));
        Assert.Equal([null, null, Start.AddSeconds(3), Start.AddSeconds(1)], told.Select(record => record.FinishedAt));
        Assert.Equal(["msg_a4", "msg_a3"], log.Told("ann", queue, limit: 2).Select(record => record.Id));
        Assert.Equal(["msg_b2", "msg_b1"], log.Told("bob", queue, limit: 10).Select(record => record.Id));
        Assert.Empty(log.Told("carl", queue, limit: 10));
    }

    [Fact]
    public void The_ring_keeps_the_last_256_outcomes()
    {
        var log = new DeliveryLog(Start);
        for (var i = 0; i < DeliveryLog.Capacity + 10; i++) log.Delivered(Delivery($"msg_{i:D3}"), 1, Start.AddSeconds(i));

        var told = log.Told("c-1", [], limit: 1000);

        Assert.Equal(DeliveryLog.Capacity, told.Length);
        Assert.Equal("msg_265", told[0].Id);
        Assert.Equal("msg_010", told[^1].Id);
        Assert.Equal(DeliveryLog.Capacity + 10, log.Status(0).Delivered);
    }

    [Fact]
    public void Forgetting_erased_customers_keeps_the_others_outcomes_in_order_and_the_ring_going_on()
    {
        var log = new DeliveryLog(Start);
        // A full ring that has wrapped: the oldest kept is msg_010.
        for (var i = 0; i < DeliveryLog.Capacity + 10; i++) log.Delivered(Delivery($"msg_{i:D3}", i % 2 == 0 ? "erased" : "kept"), 1, Start.AddSeconds(i));

        log.Forget(new HashSet<string>(["erased"], StringComparer.Ordinal));

        Assert.Empty(log.Told("erased", [], limit: 1000));
        var kept = log.Told("kept", [], limit: 1000);
        Assert.Equal(Enumerable.Range(0, DeliveryLog.Capacity + 10).Where(i => i % 2 == 1 && i >= 10).Reverse().Select(i => $"msg_{i:D3}"), kept.Select(record => record.Id));
        Assert.Equal(DeliveryLog.Capacity + 10, log.Status(0).Delivered);

        // The ring fills on from where the kept ones end: 128 kept, then 129 more, of which the oldest kept one drops.
        for (var i = 0; i < DeliveryLog.Capacity / 2 + 1; i++) log.Delivered(Delivery($"new_{i:D3}", "kept"), 1, Start.AddSeconds(1000 + i));
        var after = log.Told("kept", [], limit: 1000);
        Assert.Equal(DeliveryLog.Capacity, after.Length);
        Assert.Equal("new_128", after[0].Id);
        Assert.Equal("msg_013", after[^1].Id);
    }
}
