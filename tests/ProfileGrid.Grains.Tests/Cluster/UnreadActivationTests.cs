using ProfileGrid.Customers;
using ProfileGrid.Events;
using static ProfileGrid.Grains.Tests.Cluster.ClusterFixture;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>
/// An activation applies events without reading its state first: its first write assumes a new customer. A customer
/// that was stored already (by an earlier activation) is then read, and the calls applied again onto what is stored.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class UnreadActivationTests(ClusterFixture fixture)
{
    private static DateTimeOffset Now => Clock.GetUtcNow();

    private static CustomerEvent View(string id) => new(id, "page_view", Now, null, "web", null);

    /// <summary>Stores a customer with one page view, as an activation before this one would have.</summary>
    private static async Task<string> StoredCustomer(string eventId)
    {
        var customerId = $"c-{Guid.NewGuid():N}";
        var journal = new CustomerJournal(FaultableJournalStorage.Shared, SerializerFixture.Codec, customerId);
        var state = new CustomerState();
        state.Apply(Producer, [View(eventId)], Now);
        await journal.WriteAsync(journal.Prepare(state, new CustomerEntry(++state.Seq, Now, [])));
        return customerId;
    }

    [Fact]
    public async Task A_new_customer_is_written_without_a_read()
    {
        var customer = fixture.Grains.GetGrain<ICustomerGrain>($"c-{Guid.NewGuid():N}");
        var reads = FaultableJournalStorage.ReadCount;

        var result = await customer.ApplyEvents(Producer, [View("e1"), View("e2")]);

        Assert.Equal([EventOutcome.Accepted, EventOutcome.Accepted], result.Outcomes);
        Assert.Equal(reads, FaultableJournalStorage.ReadCount);
        var stored = await new CustomerJournal(FaultableJournalStorage.Shared, SerializerFixture.Codec, customer.GetPrimaryKeyString()).ReadAsync();
        Assert.Equal(2, stored.Counters.View(Now).Single().Total.Count);
    }

    [Fact]
    public async Task A_stored_customer_is_read_when_its_first_write_finds_it_and_the_events_are_applied_onto_it()
    {
        var customerId = await StoredCustomer("e1");
        var customer = fixture.Grains.GetGrain<ICustomerGrain>(customerId);

        var result = await customer.ApplyEvents(Producer, [View("e1"), View("e2")]);
        var profile = (await customer.GetProfile())!;

        Assert.Equal([EventOutcome.Duplicate, EventOutcome.Accepted], result.Outcomes);
        Assert.Equal(2, profile.Counters.Single().Total.Count);
        Assert.Equal(2, profile.Seq);
    }

    [Fact]
    public async Task A_call_that_changes_nothing_is_answered_with_the_stored_customers_seq()
    {
        var customerId = await StoredCustomer("e1");
        var customer = fixture.Grains.GetGrain<ICustomerGrain>(customerId);

        var result = await customer.ApplyEvents(Producer, []);

        Assert.Equal(1, result.Seq);
        Assert.Equal(1, (await customer.GetProfile())!.Counters.Single().Total.Count);
    }

    [Fact]
    public async Task Calls_that_piled_up_behind_the_first_write_are_all_applied_again_onto_the_stored_customer()
    {
        var customerId = await StoredCustomer("e0");
        var customer = fixture.Grains.GetGrain<ICustomerGrain>(customerId);

        FaultableJournalStorage.CloseGate();
        Task<ApplyEventsResult>[] calls;
        try
        {
            var first = customer.ApplyEvents(Producer, [View("e1")]);
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                while (FaultableJournalStorage.WritesAtGate == 0) await Task.Delay(10, timeout.Token);
            }

            // A duplicate of the stored event, a duplicate of the first call's event, and 18 new ones.
            calls = [first, customer.ApplyEvents(Producer, [View("e0")]), customer.ApplyEvents(Producer, [View("e1")]),
                .. Enumerable.Range(2, 18).Select(i => customer.ApplyEvents(Producer, [View($"e{i}")]))];
            await Task.Delay(300);
        }
        finally
        {
            FaultableJournalStorage.OpenGate();
        }

        var results = await Task.WhenAll(calls);
        var profile = (await customer.GetProfile())!;

        Assert.Equal(EventOutcome.Duplicate, results[1].Outcomes.Single());
        Assert.Equal(1, results.Where((_, i) => i != 1).Count(result => result.Outcomes.Single() == EventOutcome.Duplicate));
        Assert.Equal(1 + 19, profile.Counters.Single().Total.Count);
    }
}
