using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Identity;
using ProfileGrid.Testing;
using Xunit.Abstractions;

namespace ProfileGrid.Simulation.Tests;

/// <summary>
/// Histories the random simulation once found failing, kept as they were shrunk: each pins a defect that was fixed.
/// </summary>
public sealed class KnownHistoryTests(KnownHistoryTests.Cluster cluster, ITestOutputHelper output) : IClassFixture<KnownHistoryTests.Cluster>
{
    /// <summary>
    /// An anonymous profile merged into a customer that was then merged into another: erasing the last one must delete
    /// the anonymous profile's row too, although it names the middle one as its target.
    /// </summary>
    [Fact]
    public Task Erasure_deletes_a_profile_merged_into_a_customer_that_was_merged_in_turn() => RunAsync(
        new EventStep(Profile: 5, Id: 7, Producer: 1, Purchase: true, Value: 120.5m, Offset: 26),
        new IdentifyStep(Customer: 2, Anonymous: 2, Devices: 0, Account: true, Email: 1, Plan: 3),
        new AliasStep(Customer: 0, Previous: 2),
        new EraseStep(Profile: 5));

    /// <summary>An identify that claims a device of a customer merged into another is refused: the device is theirs.</summary>
    [Fact]
    public Task Identifiers_of_a_customer_merged_into_another_stay_theirs() => RunAsync(
        new IdentifyStep(Customer: 1, Anonymous: 1, Devices: 3, Account: false, Email: 2, Plan: 2),
        new IdentifyStep(Customer: 1, Anonymous: -1, Devices: 3, Account: true, Email: 2, Plan: 0),
        new IdentifyStep(Customer: 0, Anonymous: -1, Devices: 3, Account: false, Email: 1, Plan: 1),
        new AliasStep(Customer: 2, Previous: 1),
        new IdentifyStep(Customer: 0, Anonymous: 2, Devices: 3, Account: true, Email: 2, Plan: 0));

    /// <summary>
    /// A refused identify puts the customer's ledger back as it was, also when the ledger existed before: the devices
    /// it did not get stay another's, and the next identify naming them is refused too.
    /// </summary>
    [Fact]
    public Task A_refused_identify_leaves_no_claim_behind() => RunAsync(
        new IdentifyStep(Customer: 1, Anonymous: -1, Devices: 3, Account: false, Email: -1, Plan: 0),
        new IdentifyStep(Customer: 0, Anonymous: -1, Devices: 0, Account: true, Email: -1, Plan: 0),
        new IdentifyStep(Customer: 0, Anonymous: -1, Devices: 3, Account: false, Email: 1, Plan: 1),
        new IdentifyStep(Customer: 0, Anonymous: 2, Devices: 3, Account: true, Email: -1, Plan: 3),
        new EraseStep(Profile: 1));

    /// <summary>
    /// A merge that failed half-way and was retried left bookkeeping for a later write in the merged profile; once
    /// that profile is deleted with its target's erasure, nothing written afterwards may bring its row back.
    /// </summary>
    [Fact]
    public Task A_deleted_merged_profile_stays_deleted_after_a_merge_that_was_retried() => RunAsync(
        new IdentifyStep(Customer: 0, Anonymous: 0, Devices: 2, Account: false, Email: 0, Plan: 1),
        new EventStep(Profile: 3, Id: 10, Producer: 1, Purchase: true, Value: 80.5m, Offset: 9),
        new IdentifyStep(Customer: 2, Anonymous: 0, Devices: 3, Account: false, Email: 1, Plan: 3),
        new AliasStep(Customer: 1, Previous: 2),
        new EventStep(Profile: 2, Id: 9, Producer: 1, Purchase: true, Value: 0.5m, Offset: 0),
        new FaultStep(new AliasStep(Customer: 0, Previous: 1), Members: false, Allowed: 0),
        new EraseStep(Profile: 3));

    /// <summary>
    /// An email that one customer held first (through an anonymous profile merged in) and replaced, and another took
    /// afterwards, stays in the first one's history as its former identifier when the second is erased: it is the
    /// first one's data too. (The model had it wrong; the grid right.)
    /// </summary>
    [Fact]
    public Task A_former_email_stays_with_the_customer_that_held_it_first() => RunAsync(
        new TraitsStep(Profile: 5, Plan: 1, Email: 2),
        new IdentifyStep(Customer: 1, Anonymous: 2, Devices: 2, Account: false, Email: 1, Plan: 2),
        new IdentifyStep(Customer: 2, Anonymous: 0, Devices: 1, Account: false, Email: 2, Plan: 3),
        new FaultStep(new EraseStep(Profile: 3), Members: false, Allowed: 0));

    /// <summary>
    /// A trait write that replaces the email and fails after the new trait was stored, but before the old email was
    /// marked former: the retry must still release the old email (it stayed linked to the customer for good).
    /// </summary>
    [Fact]
    public Task A_replaced_email_is_released_when_the_write_is_retried_after_a_failure() => RunAsync(
        new IdentifyStep(Customer: 2, Anonymous: -1, Devices: 2, Account: false, Email: 1, Plan: 2),
        new FaultStep(new TraitsStep(Profile: 2, Plan: 1, Email: 0), Members: false, Allowed: 2));

    /// <summary>
    /// An identify refused (a device is another's) whose giving back fails: the ledger keeps the entries it wrote
    /// before claiming, but they are not claims. The retry is refused too, and the email it had claimed and released
    /// is not taken as linked.
    /// </summary>
    [Fact]
    public Task A_retried_identify_after_a_failed_give_back_is_refused_again() => RunAsync(
        new IdentifyStep(Customer: 0, Anonymous: -1, Devices: 1, Account: true, Email: 1, Plan: 1),
        new FaultStep(new IdentifyStep(Customer: 1, Anonymous: -1, Devices: 1, Account: false, Email: 0, Plan: 2), Members: false, Allowed: 1),
        new IdentifyStep(Customer: 1, Anonymous: -1, Devices: 0, Account: false, Email: 0, Plan: 2),
        new EraseStep(Profile: 0));

    /// <summary>
    /// A customer gave up an email that an anonymous profile then took; merging that profile in brings the email back
    /// as the customer's trait, and an identify replacing it must release the anonymous profile's index row (the
    /// merge had kept the customer's own former entry and lost the row's).
    /// </summary>
    [Fact]
    public Task A_merged_profiles_email_that_the_customer_once_gave_up_is_released_when_replaced() => RunAsync(
        new TraitsStep(Profile: 2, Plan: 0, Email: 1),
        new TraitsStep(Profile: 2, Plan: 3, Email: -2),
        new TraitsStep(Profile: 5, Plan: 1, Email: 1),
        new IdentifyStep(Customer: 2, Anonymous: 2, Devices: 3, Account: true, Email: 0, Plan: 2),
        new EraseStep(Profile: 2));

    /// <summary>
    /// An erasure asked for through a merged anonymous profile stops after that profile's row was deleted (storage
    /// fails): a retry through the same id reaches a new, empty profile, so the customer must finish its erasure by
    /// itself, woken a minute later: nothing of it is left but its tombstone.
    /// </summary>
    [Fact]
    public async Task An_erasure_stopped_after_deleting_the_profile_it_came_through_finishes_by_itself()
    {
        var world = Guid.NewGuid().ToString("N")[..10];
        var (customer, anonymous, device) = ($"{world}-c0", $"anon:{world}-a0", $"device:{world}-d0");
        await Grain(anonymous).ApplyEvents(HistoryRunner.Producer, [new CustomerEvent($"{world}-ev0", "page_view", cluster.Clock.GetUtcNow(), 1m, "web", "{}")]);
        var identified = await Grain(customer).Identify(new IdentifyRequest([device], anonymous, new TraitPatch([], [], HistoryRunner.Producer)));
        Assert.Null(identified.Conflict);

        // The tombstone and the anonymous profile's delete are stored; the write that completes the erasure fails.
        cluster.CustomerFaults.FailAfter(2);
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => Grain(anonymous).EraseProfile());
        }
        finally
        {
            cluster.CustomerFaults.Disarm();
        }

        Assert.Null((await cluster.Journals[StorageNames.Customers].ReadAsync(anonymous)).Snapshot);
        // The tombstone stored first still holds the ledger (the device), which the completed erasure drops.
        var since = DateTimeOffset.UtcNow.AddMinutes(-5);
        Assert.NotEmpty(await StorageScan.FindAsync(cluster, [device], tombstone: customer, since));

        // The producer retries through the id it knows: that reaches a new, empty profile, not the customer.
        await Grain(anonymous).EraseProfile();
        cluster.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(10));
        await Eventually.Async(() => StorageScan.FindAsync(cluster, [device], tombstone: customer, since), found => found.Count == 0, "nothing stored names the erased customer's device", TimeSpan.FromSeconds(20));
        Assert.Null(await cluster.Grains.GetGrain<IIdentityGrain>(device).Resolve());
        Assert.Null(await Grain(customer).GetProfile());
    }

    private ICustomerGrain Grain(string key) => cluster.Grains.GetGrain<ICustomerGrain>(key);

    /// <summary>
    /// The customer's wake-up passed and it registered the next one while the scheduler, lagging behind, had not taken
    /// the passed one yet; erased then, it must leave both buckets (it left only the one its state named). The whole
    /// history as the simulation found it.
    /// </summary>
    [Fact]
    public Task Erasure_leaves_a_wakeup_bucket_the_scheduler_has_not_reached_yet() => RunAsync(
        new ConsentStep(Profile: 2, Purpose: 1, Granted: true),
        new EventStep(Profile: 1, Id: 7, Producer: 0, Purchase: true, Value: 40.5m, Offset: 0),
        new EventStep(Profile: 0, Id: 7, Producer: 0, Purchase: false, Value: 100.5m, Offset: -8),
        new DeactivateStep(),
        new FaultStep(new AliasStep(Customer: 2, Previous: 1), Members: false, Allowed: 3),
        new FaultStep(new EraseStep(Profile: 0), Members: false, Allowed: 2),
        new EventStep(Profile: 2, Id: 2, Producer: 1, Purchase: false, Value: 80.5m, Offset: -56293),
        new FaultStep(new EventStep(Profile: 0, Id: 9, Producer: 1, Purchase: true, Value: 0.5m, Offset: -85), Members: false, Allowed: 1),
        new ConsentStep(Profile: 2, Purpose: 1, Granted: false),
        new EventStep(Profile: 3, Id: 0, Producer: 1, Purchase: false, Value: 120.5m, Offset: -813),
        new EventStep(Profile: 2, Id: 10, Producer: 1, Purchase: true, Value: -29.5m, Offset: 7),
        new EventStep(Profile: 0, Id: 7, Producer: 0, Purchase: false, Value: -29.5m, Offset: -82),
        new EventStep(Profile: 1, Id: 5, Producer: 1, Purchase: true, Value: 60.5m, Offset: -22450),
        new IdentifyStep(Customer: 2, Anonymous: 0, Devices: 0, Account: true, Email: 0, Plan: 0),
        new AliasStep(Customer: 0, Previous: 2),
        new TraitsStep(Profile: 1, Plan: 1, Email: -2),
        new ConsentStep(Profile: 2, Purpose: 0, Granted: true),
        new EventStep(Profile: 5, Id: 0, Producer: 0, Purchase: true, Value: 100.5m, Offset: -320),
        new AdvanceStep(Minutes: 50),
        new IdentifyStep(Customer: 1, Anonymous: 2, Devices: 3, Account: false, Email: 2, Plan: 2),
        new EventStep(Profile: 4, Id: 2, Producer: 0, Purchase: true, Value: 90.5m, Offset: -703),
        new TraitsStep(Profile: 4, Plan: 1, Email: -1),
        new EventStep(Profile: 2, Id: 8, Producer: 1, Purchase: true, Value: 30.5m, Offset: 0),
        new EventStep(Profile: 0, Id: 10, Producer: 0, Purchase: false, Value: 70.5m, Offset: 23),
        new EventStep(Profile: 0, Id: 10, Producer: 1, Purchase: true, Value: 120.5m, Offset: 0),
        new EventStep(Profile: 5, Id: 1, Producer: 1, Purchase: false, Value: 110.5m, Offset: 17),
        new EventStep(Profile: 5, Id: 7, Producer: 1, Purchase: false, Value: 90.5m, Offset: -1152),
        new FaultStep(new EventStep(Profile: 1, Id: 8, Producer: 0, Purchase: true, Value: 60.5m, Offset: -43999), Members: true, Allowed: 2),
        new EventStep(Profile: 5, Id: 4, Producer: 0, Purchase: true, Value: 70.5m, Offset: -11846),
        new AdvanceStep(Minutes: 50),
        new EventStep(Profile: 2, Id: 3, Producer: 1, Purchase: false, Value: -9.5m, Offset: -1946),
        new FaultStep(new TraitsStep(Profile: 4, Plan: 1, Email: -1), Members: false, Allowed: 2),
        new AliasStep(Customer: 0, Previous: 2),
        new EventStep(Profile: 4, Id: 0, Producer: 0, Purchase: true, Value: -29.5m, Offset: -3605),
        new EventStep(Profile: 3, Id: 10, Producer: 1, Purchase: true, Value: 50.5m, Offset: -19),
        new EventStep(Profile: 5, Id: 1, Producer: 0, Purchase: false, Value: 110.5m, Offset: -25),
        new EventStep(Profile: 0, Id: 7, Producer: 1, Purchase: true, Value: 80.5m, Offset: 24),
        new EventStep(Profile: 5, Id: 8, Producer: 0, Purchase: false, Value: 110.5m, Offset: -569),
        new TraitsStep(Profile: 0, Plan: 3, Email: -2),
        new EventStep(Profile: 5, Id: 0, Producer: 1, Purchase: true, Value: 40.5m, Offset: -2595),
        new EventStep(Profile: 0, Id: 9, Producer: 0, Purchase: false, Value: 10.5m, Offset: -1484),
        new EventStep(Profile: 1, Id: 3, Producer: 1, Purchase: false, Value: -29.5m, Offset: -31511),
        new ConsentStep(Profile: 3, Purpose: 1, Granted: true),
        new EventStep(Profile: 0, Id: 10, Producer: 1, Purchase: true, Value: 90.5m, Offset: 0),
        new EventStep(Profile: 2, Id: 1, Producer: 0, Purchase: true, Value: 60.5m, Offset: -1084),
        new ConsentStep(Profile: 4, Purpose: 0, Granted: true),
        new EraseStep(Profile: 1));

    /// <summary>
    /// An erasure that storage stopped asks for a wake-up; the bucket took the registration but storing it in the state
    /// failed too, and the repeated erasure, finding no registration in the state, left the customer's id in the
    /// bucket. A registration the state could not record is now taken back. The whole history as the simulation found it.
    /// </summary>
    [Fact]
    public Task A_wakeup_registration_the_state_could_not_record_leaves_no_id_behind() => RunAsync(
        new DeactivateStep(),
        new EventStep(Profile: 5, Id: 2, Producer: 1, Purchase: true, Value: 50.5m, Offset: -8),
        new EventStep(Profile: 3, Id: 8, Producer: 1, Purchase: false, Value: 110.5m, Offset: 20),
        new EventStep(Profile: 5, Id: 7, Producer: 0, Purchase: true, Value: 100.5m, Offset: 13),
        new EventStep(Profile: 4, Id: 7, Producer: 1, Purchase: true, Value: 100.5m, Offset: 0),
        new EventStep(Profile: 3, Id: 9, Producer: 0, Purchase: true, Value: -29.5m, Offset: -89),
        new EventStep(Profile: 2, Id: 2, Producer: 1, Purchase: false, Value: 120.5m, Offset: 13),
        new IdentifyStep(Customer: 1, Anonymous: -1, Devices: 2, Account: false, Email: 1, Plan: 0),
        new IdentifyStep(Customer: 0, Anonymous: -1, Devices: 3, Account: false, Email: -1, Plan: 0),
        new AdvanceStep(Minutes: 63),
        new FaultStep(new EraseStep(Profile: 2), Members: false, Allowed: 0),
        new IdentifyStep(Customer: 0, Anonymous: 0, Devices: 1, Account: true, Email: 0, Plan: 2),
        new AdvanceStep(Minutes: 68),
        new IdentifyStep(Customer: 0, Anonymous: 1, Devices: 2, Account: true, Email: 1, Plan: 2),
        new EventStep(Profile: 2, Id: 4, Producer: 0, Purchase: false, Value: 60.5m, Offset: -32),
        new TraitsStep(Profile: 2, Plan: 3, Email: -1),
        new DeactivateStep(),
        new IdentifyStep(Customer: 2, Anonymous: 2, Devices: 3, Account: false, Email: 2, Plan: 3),
        new EventStep(Profile: 3, Id: 4, Producer: 0, Purchase: true, Value: -9.5m, Offset: 15),
        new AliasStep(Customer: 0, Previous: 2),
        new AdvanceStep(Minutes: 2),
        new EventStep(Profile: 0, Id: 6, Producer: 1, Purchase: false, Value: 10.5m, Offset: -35),
        new EventStep(Profile: 1, Id: 6, Producer: 0, Purchase: false, Value: 20.5m, Offset: 6),
        new EventStep(Profile: 5, Id: 7, Producer: 1, Purchase: true, Value: 40.5m, Offset: -13),
        new IdentifyStep(Customer: 0, Anonymous: -1, Devices: 2, Account: true, Email: -1, Plan: 0),
        new EventStep(Profile: 5, Id: 5, Producer: 0, Purchase: true, Value: 10.5m, Offset: 0),
        new EventStep(Profile: 1, Id: 9, Producer: 0, Purchase: false, Value: 30.5m, Offset: -90),
        new EventStep(Profile: 1, Id: 1, Producer: 0, Purchase: false, Value: 20.5m, Offset: -1726),
        new EventStep(Profile: 3, Id: 4, Producer: 0, Purchase: true, Value: 70.5m, Offset: -47978),
        new AdvanceStep(Minutes: 7),
        new TraitsStep(Profile: 4, Plan: 3, Email: 0),
        new EventStep(Profile: 0, Id: 8, Producer: 0, Purchase: false, Value: 100.5m, Offset: -30),
        new EventStep(Profile: 2, Id: 10, Producer: 0, Purchase: false, Value: 100.5m, Offset: -948),
        new AdvanceStep(Minutes: 70),
        new AdvanceStep(Minutes: 62),
        new ConsentStep(Profile: 1, Purpose: 1, Granted: false),
        new IdentifyStep(Customer: 0, Anonymous: 2, Devices: 2, Account: true, Email: 0, Plan: 1),
        new EventStep(Profile: 4, Id: 4, Producer: 0, Purchase: true, Value: -9.5m, Offset: -647),
        new EventStep(Profile: 5, Id: 10, Producer: 1, Purchase: false, Value: -9.5m, Offset: -2562),
        new EventStep(Profile: 1, Id: 3, Producer: 0, Purchase: true, Value: -9.5m, Offset: -2325),
        new FaultStep(new EventStep(Profile: 2, Id: 6, Producer: 0, Purchase: false, Value: 20.5m, Offset: -7), Members: true, Allowed: 0),
        new EventStep(Profile: 4, Id: 8, Producer: 1, Purchase: true, Value: 90.5m, Offset: 0),
        new TraitsStep(Profile: 1, Plan: 2, Email: -2),
        new IdentifyStep(Customer: 0, Anonymous: 1, Devices: 3, Account: false, Email: 2, Plan: 0),
        new EventStep(Profile: 2, Id: 1, Producer: 1, Purchase: false, Value: -29.5m, Offset: -44),
        new EventStep(Profile: 3, Id: 5, Producer: 0, Purchase: false, Value: 90.5m, Offset: -61),
        new EventStep(Profile: 4, Id: 9, Producer: 1, Purchase: true, Value: 80.5m, Offset: 11),
        new FaultStep(new EraseStep(Profile: 0), Members: false, Allowed: 2));

    /// <summary>
    /// A refused identify whose give-back failed leaves intents in the ledger; the retry, refused again, claims the
    /// anonymous id afresh and gives it back, and must drop its stale entry too: erasing the anonymous profile later
    /// left its id in the customer's row.
    /// </summary>
    [Fact]
    public Task A_stale_intent_given_back_on_a_retry_leaves_the_ledger() => RunAsync(
        new EventStep(Profile: 3, Id: 1, Producer: 0, Purchase: false, Value: 10.5m, Offset: 0),
        new IdentifyStep(Customer: 2, Anonymous: -1, Devices: 1, Account: true, Email: -1, Plan: 0),
        new FaultStep(new IdentifyStep(Customer: 0, Anonymous: 0, Devices: 1, Account: false, Email: -1, Plan: 0), Members: false, Allowed: 1),
        new EraseStep(Profile: 3));

    /// <summary>
    /// The turning segment redefined twice while the clock stands still: the second definition was made in the same
    /// instant as the first, and the sweep took it for the one it had back-filled already, so customers that met only
    /// the first rule stayed members (history 11 of the test command, the first time the sweep ran under the simulation).
    /// </summary>
    [Fact]
    public Task A_redefinition_in_the_same_instant_as_the_last_is_back_filled() => RunAsync(
        new EventStep(Profile: 0, Id: 1, Producer: 0, Purchase: false, Value: 10.5m, Offset: 0),
        new TraitsStep(Profile: 1, Plan: 2, Email: -1),
        new RedefineStep(),
        new RedefineStep());

    private async Task RunAsync(params HistoryStep[] steps)
    {
        var history = new History(steps);
        output.WriteLine(history.ToString());
        await new HistoryRunner(cluster, await cluster.SegmentsAsync()).RunAsync(history);
    }

    public sealed class Cluster() : SimulatedCluster(azurite: false);
}
