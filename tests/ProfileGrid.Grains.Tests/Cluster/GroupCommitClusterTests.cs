using ProfileGrid.Customers;
using ProfileGrid.Events;
using static ProfileGrid.Grains.Tests.Cluster.ClusterFixture;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>
/// Concurrent calls to one customer share writes: those that arrive while a write is in flight are stored by the next
/// one, each caller answered once its own events are stored, and a failed write takes back every change it carried.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GroupCommitClusterTests(ClusterFixture fixture)
{
    private const int Callers = 40;

    private static DateTimeOffset Now => Clock.GetUtcNow();

    private ICustomerGrain NewCustomer() => fixture.Grains.GetGrain<ICustomerGrain>($"c-{Guid.NewGuid():N}");

    private static CustomerEvent Purchase(string id, decimal value = 1m) => new(id, "purchase", Now, value, null, null);

    /// <summary>Holds the first write at the gate, sends the other calls while it waits, then lets the writes go.</summary>
    private static async Task<Task<T>[]> BehindAWriteInFlight<T>(Func<int, Task<T>> call, int count)
    {
        FaultableJournalStorage.CloseGate();
        try
        {
            var first = call(0);
            await WaitUntil(() => FaultableJournalStorage.WritesAtGate == 1);
            var rest = Enumerable.Range(1, count - 1).Select(call).ToArray();
            // The calls are in flight to the grain; give them a moment to arrive (their count is asserted, not the time).
            await Task.Delay(300);
            return [first, .. rest];
        }
        finally
        {
            FaultableJournalStorage.OpenGate();
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition()) await Task.Delay(10, timeout.Token);
    }

    [Fact]
    public async Task Forty_concurrent_calls_are_stored_by_a_few_writes_and_each_is_answered_with_its_writes_seq()
    {
        var customer = NewCustomer();
        var before = FaultableJournalStorage.WriteCount;

        var calls = await BehindAWriteInFlight(i => customer.ApplyEvents(Producer, [Purchase($"e{i}")]), Callers);
        var results = await Task.WhenAll(calls);
        var writes = FaultableJournalStorage.WriteCount - before;
        var profile = (await customer.GetProfile())!;

        Assert.All(results, result => Assert.Equal([EventOutcome.Accepted], result.Outcomes));
        Assert.InRange(writes, 2, 5);
        Assert.Equal(writes, profile.Seq);
        Assert.Equal(1, results[0].Seq);
        Assert.All(results, result => Assert.InRange(result.Seq, 1, writes));
        Assert.Equal(new WindowTotal(Callers, Callers), profile.Counters.Single().Total);
    }

    [Fact]
    public async Task A_failed_group_write_fails_every_caller_in_it_and_their_retries_apply_once()
    {
        var customer = NewCustomer();
        FaultableJournalStorage.FailWrites = true;
        Task<ApplyEventsResult>[] calls;
        try
        {
            calls = await BehindAWriteInFlight(i => customer.ApplyEvents(Producer, [Purchase($"e{i}", 2m)]), 10);
            foreach (var call in calls) await Assert.ThrowsAnyAsync<Exception>(() => call);
        }
        finally
        {
            FaultableJournalStorage.FailWrites = false;
        }

        var unknown = await customer.GetProfile();
        var retries = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => customer.ApplyEvents(Producer, [Purchase($"e{i}", 2m)])));

        Assert.Null(unknown);
        Assert.All(retries, retry => Assert.Equal([EventOutcome.Accepted], retry.Outcomes));
        Assert.Equal(new WindowTotal(10, 20m), (await customer.GetProfile())!.Counters.Single().Total);
    }

    [Fact]
    public async Task A_retry_that_arrives_while_its_event_is_being_written_is_answered_duplicate_only_once_it_is_stored()
    {
        var customer = NewCustomer();
        FaultableJournalStorage.FailWrites = true;
        Task<ApplyEventsResult>[] calls;
        try
        {
            calls = await BehindAWriteInFlight(_ => customer.ApplyEvents(Producer, [Purchase("e1", 3m)]), 2);
            await Assert.ThrowsAnyAsync<Exception>(() => calls[0]);
            await Assert.ThrowsAnyAsync<Exception>(() => calls[1]);
        }
        finally
        {
            FaultableJournalStorage.FailWrites = false;
        }

        var retry = await customer.ApplyEvents(Producer, [Purchase("e1", 3m)]);
        var again = await customer.ApplyEvents(Producer, [Purchase("e1", 3m)]);

        Assert.Equal([EventOutcome.Accepted], retry.Outcomes);
        Assert.Equal([EventOutcome.Duplicate], again.Outcomes);
        Assert.Equal(new WindowTotal(1, 3m), (await customer.GetProfile())!.Counters.Single().Total);
    }

    [Fact]
    public async Task A_read_during_a_write_waits_for_it_and_shows_what_it_stored()
    {
        var customer = NewCustomer();
        await customer.ApplyEvents(Producer, [Purchase("e0")]);

        FaultableJournalStorage.CloseGate();
        Task<CustomerProfile?> read;
        Task<ApplyEventsResult> write;
        try
        {
            write = customer.ApplyEvents(Producer, [Purchase("e1")]);
            await WaitUntil(() => FaultableJournalStorage.WritesAtGate == 1);
            read = customer.GetProfile();
            await Task.Delay(200);
            Assert.False(read.IsCompleted);
        }
        finally
        {
            FaultableJournalStorage.OpenGate();
        }

        Assert.Equal(2, (await write).Seq);
        var profile = (await read)!;
        Assert.Equal(2, profile.Seq);
        Assert.Equal(2, profile.Counters.Single().Total.Count);
    }
}
