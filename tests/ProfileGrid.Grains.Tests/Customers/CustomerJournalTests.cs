using System.Text.Json;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Storage;
using Xunit.Abstractions;

namespace ProfileGrid.Grains.Tests.Customers;

/// <summary>
/// The customer's journal on memory storage, written as the grain writes it: each write its own entry while the
/// entries are small next to the snapshot, a snapshot otherwise; a read replays the entries onto the snapshot.
/// </summary>
public sealed class CustomerJournalTests(ITestOutputHelper output)
{
    private const string Key = "ann";
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly MemoryJournalStorage _storage = new();

    private CustomerJournal NewJournal() => new(_storage, SerializerFixture.Codec, Key);

    /// <summary>Applies <paramref name="changes"/> to the state and stores them as one write, as the grain does.</summary>
    private static async Task<JournalWrite> Write(CustomerJournal journal, CustomerState state, DateTimeOffset at, params CustomerChange[] changes)
    {
        foreach (var change in changes) change.ApplyTo(state);
        state.Compact(at);
        var write = journal.Prepare(state, new CustomerEntry(++state.Seq, at, changes));
        await journal.WriteAsync(write);
        return write;
    }

    private static CustomerEvent Event(int n, DateTimeOffset at, string type = "page_view", decimal? value = null) =>
        new($"evt-{n}", type, at, value, "web", $$"""{"n":{{n}}}""");

    private static string ProfileJson(CustomerState state) => JsonSerializer.Serialize(state.ToProfile(Key, Now));

    [Fact]
    public async Task A_read_replays_the_entries_onto_the_snapshot_and_gives_the_state_that_was_written()
    {
        var journal = NewJournal();
        var state = new CustomerState();
        var random = new Random(3);
        var kinds = new List<JournalWriteKind>();
        for (var n = 0; n < 120; n++)
        {
            var at = Now.AddMinutes(-120 + n);
            CustomerChange change = n % 7 == 3
                ? new TraitsChange(new TraitPatch(new() { [$"t{n % 4}"] = $"{n}" }, new() { ["email"] = n % 2 == 0 }), at)
                : new EventsChange(n % 3 == 0 ? "pos" : "webshop", [Event(n, at, random.Next(3) == 0 ? "purchase" : "page_view", random.Next(1, 500))], at);
            kinds.Add((await Write(journal, state, at, change)).Kind);
        }

        // End on entries after a snapshot, so that the read has some to replay.
        for (var n = 120; kinds[^1] != JournalWriteKind.Append; n++)
        {
            var at = Now.AddMinutes(-120 + n);
            kinds.Add((await Write(journal, state, at, new EventsChange("webshop", [Event(n, at)], at))).Kind);
        }

        var stored = await _storage.ReadAsync(Key);
        var read = await NewJournal().ReadAsync();

        Assert.Contains(JournalWriteKind.Append, kinds);
        Assert.Contains(JournalWriteKind.Snapshot, kinds);
        Assert.NotEmpty(stored.Entries);
        Assert.Equal(ProfileJson(state), ProfileJson(read));
        // The ids came back too: a retry of any of the writes is still recognised.
        Assert.Empty(read.Apply("webshop", [Event(118, Now.AddMinutes(-2)), Event(kinds.Count - 1, Now)], Now).Applied);
        Assert.Single(read.Apply("webshop", [Event(999, Now)], Now).Applied);
    }

    [Fact]
    public async Task A_write_carries_the_change_not_the_history()
    {
        var journal = NewJournal();
        var state = new CustomerState();
        for (var batch = 0; batch < 100; batch++)
        {
            var at = Now.AddSeconds(-200 + batch);
            await Write(journal, state, at, new EventsChange("webshop", [.. Enumerable.Range(batch * 100, 100).Select(n => Event(n, at))], at));
        }

        var snapshot = journal.StoredBytes;
        long written = 0;
        var snapshots = 0;
        var lastSnapshot = snapshot;
        var largest = 0;
        for (var n = 0; n < 1_000; n++)
        {
            var write = await Write(journal, state, Now, new EventsChange("webshop", [Event(1_000_000 + n, Now)], Now));
            written += write.Payload.Length;
            if (write.Kind == JournalWriteKind.Snapshot) (snapshots, lastSnapshot) = (snapshots + 1, write.Payload.Length);
            largest = Math.Max(largest, journal.StoredBytes);
            // Past 2 KiB, the entries after a snapshot take at most half of it.
            Assert.InRange(journal.StoredBytes, 1, lastSnapshot * 3 / 2);
        }

        output.WriteLine($"history: 10,000 ids, {snapshot} B stored; 1,000 one-event writes: {written / 1_000} B each on average, " +
                         $"{snapshots} snapshots, at most {largest} B stored");
        // A whole-state write would carry the 10,000 ids every time; the journal carries about one event, with a
        // snapshot amortized over the entries before it (at most 64).
        Assert.InRange(written / 1_000, 1, snapshot / 20);
    }

    [Fact]
    public async Task A_young_customers_writes_append_entries_up_to_1_5_KiB_instead_of_each_writing_a_snapshot()
    {
        var journal = NewJournal();
        var state = new CustomerState();
        var kinds = new List<JournalWriteKind>();
        for (var n = 0; n < 12; n++)
        {
            var at = Now.AddSeconds(n);
            kinds.Add((await Write(journal, state, at, new EventsChange("webshop", [Event(n, at)], at))).Kind);
            Assert.InRange(journal.StoredBytes, 1, 1536);
        }

        output.WriteLine(string.Join(" ", kinds));
        // The first write is a snapshot of one event (a few hundred bytes); a fifth of it has no room for an entry.
        Assert.Equal(JournalWriteKind.Snapshot, kinds[0]);
        Assert.True(kinds.Count(kind => kind == JournalWriteKind.Snapshot) <= 4, string.Join(" ", kinds));
        Assert.Equal(ProfileJson(state), ProfileJson(await NewJournal().ReadAsync()));
    }

    [Fact]
    public async Task A_typical_customer_never_stores_more_than_2_KiB()
    {
        var typical = StateSizeTests.TypicalCustomer();
        var journal = NewJournal();
        var state = new CustomerState();
        await Write(journal, state, Now.AddDays(-31), new TraitsChange(new TraitPatch(
            new() { ["name"] = "\"Ann Lee\"", ["email"] = "\"ann@example.com\"", ["plan"] = "\"gold\"" }, new() { ["email"] = true }), Now.AddDays(-31)));
        var largest = 0;
        foreach (var customerEvent in typical.Activity.Events.AsEnumerable().Reverse())
        {
            await Write(journal, state, customerEvent.Timestamp, new EventsChange("webshop", [customerEvent], customerEvent.Timestamp));
            largest = Math.Max(largest, journal.StoredBytes);
        }

        output.WriteLine($"{state.Activity.Events.Count} events written one by one: at most {largest} B stored, {journal.StoredBytes} B at the end");
        Assert.InRange(largest, 1, 2048);
    }

    [Theory]
    [InlineData(new byte[] { 1, 200, 0, 0, 0, 7, 7, 7 })]
    [InlineData(new byte[] { 1, 0xFF, 0xFF, 0xFF, 0x7F, 7, 7, 7 })] // claims 2 GiB uncompressed
    [InlineData(new byte[] { 1, 0xFF, 0xFF, 0xFF, 0xFF, 7, 7, 7 })] // a negative length
    public async Task A_payload_that_does_not_read_back_is_corrupt_state(byte[] snapshot)
    {
        await _storage.WriteAsync(Key, JournalVersion.None, JournalWrite.Snapshot(snapshot));

        var exception = await Assert.ThrowsAsync<CorruptStateException>(() => NewJournal().ReadAsync());

        Assert.Contains("'ann'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_journal_that_moved_refuses_the_write_and_a_new_read_continues_from_it()
    {
        var (first, second) = (NewJournal(), NewJournal());
        var (mine, theirs) = (new CustomerState(), new CustomerState());
        await Write(first, mine, Now, new EventsChange("webshop", [Event(1, Now)], Now));
        theirs = await second.ReadAsync();
        await Write(second, theirs, Now, new EventsChange("webshop", [Event(2, Now)], Now));

        await Assert.ThrowsAsync<Orleans.Storage.InconsistentStateException>(() => Write(first, mine, Now, new EventsChange("webshop", [Event(3, Now)], Now)));
        var reread = await first.ReadAsync();
        await Write(first, reread, Now, new EventsChange("webshop", [Event(3, Now)], Now));

        Assert.Equal(3, (await NewJournal().ReadAsync()).Counters.View(Now).Single().Total.Count);
    }
}
