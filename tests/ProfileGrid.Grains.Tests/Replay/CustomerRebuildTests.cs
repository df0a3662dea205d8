using System.Reflection;
using ProfileGrid.Archive;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Replay;
using ProfileGrid.Storage.Archive;

namespace ProfileGrid.Grains.Tests.Replay;

/// <summary>
/// A customer is rebuilt from its archived writes only when the archive holds all of them: in seq order whatever
/// order the blobs give, from seq 1, without a gap or a repeat; and a restore carries every stored part of a state.
/// </summary>
public sealed class CustomerRebuildTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly ArchiveKey _key = ArchiveKey.New();

    [Fact]
    public void Writes_read_out_of_order_are_replayed_in_seq_order_into_the_state_the_journal_holds()
    {
        var writes = Writes(4);
        var rebuild = new CustomerRebuild("ann", _key);

        foreach (var seq in new[] { 3, 1, 4, 2 }) rebuild.Add(Record(seq), Open(writes));

        var outcome = rebuild.Finish();
        Assert.Null(outcome.Failure);
        Assert.Null(outcome.Skip);
        Assert.Equal(Serialized(Live(writes)), Serialized(outcome.State!));
        Assert.Equal(4, outcome.State!.Seq);
        Assert.Equal(4, rebuild.Records);
    }

    [Fact]
    public void An_archive_that_starts_after_seq_1_fails_the_rebuild()
    {
        var writes = Writes(3);
        var rebuild = new CustomerRebuild("ann", _key);

        rebuild.Add(Record(2), Open(writes));
        rebuild.Add(Record(3), Open(writes));

        var outcome = rebuild.Finish();
        Assert.Null(outcome.State);
        Assert.Equal("the archive does not hold the customer's first writes (made before archiving, or past retention)", outcome.Failure);
    }

    [Fact]
    public void A_gap_fails_the_rebuild()
    {
        var writes = Writes(4);
        var rebuild = new CustomerRebuild("ann", _key);

        foreach (var seq in new[] { 1, 2, 4 }) rebuild.Add(Record(seq), Open(writes));

        var outcome = rebuild.Finish();
        Assert.Null(outcome.State);
        Assert.Equal("the archive misses writes of the customer (a gap in seq)", outcome.Failure);
    }

    [Fact]
    public void A_write_archived_twice_fails_the_rebuild()
    {
        var writes = Writes(2);
        var rebuild = new CustomerRebuild("ann", _key);

        foreach (var seq in new[] { 1, 2, 2 }) rebuild.Add(Record(seq), Open(writes));

        Assert.Equal("a write of the customer is archived twice", rebuild.Finish().Failure);
    }

    [Fact]
    public void A_record_that_does_not_open_fails_the_rebuild()
    {
        var codec = SerializerFixture.Codec;
        var writes = Writes(1);
        var sealedUnderAnother = ArchiveRecord.Parse(ArchiveRecord.Seal(ArchiveKey.New(), 1, Start, codec.Encode(writes[0], compress: true)));
        var rebuild = new CustomerRebuild("ann", _key);

        rebuild.Add(sealedUnderAnother with { KeyId = _key.IdText }, (key, record) => codec.Decode<CustomerEntry>(record.Open(key), record.KeyId));

        Assert.Equal("an archived write does not open (AuthenticationTagMismatchException)", rebuild.Finish().Failure);
    }

    [Fact]
    public void A_customer_with_nothing_archived_is_skipped()
    {
        Assert.Equal("nothing archived", new CustomerRebuild("ann", _key).Finish().Skip);
    }

    [Fact]
    public void A_restore_gives_the_state_every_stored_part_of_the_one_rebuilt_but_this_clusters_wakeup_registrations()
    {
        // RestoreChange copies each of these and keeps the wake-up registrations: a member added to the state must be added there too.
        string[] copied =
        [
            "Seq", "Traits", "TraitTimes", "Consent", "FirstSeen", "LastSeen", "Channels", "Counters", "Activity", "AppliedEvents", "ConsentRecords",
            "ErasedTicks", "Segments", "MergedInto", "Merges", "Identifiers", "ErasureOpen", "Unannounced",
        ];
        string[] kept = ["WakeupTicks", "PassedWakeupTicks", "IntendedWakeupTicks"];
        var stored = typeof(CustomerState).GetProperties().Where(property => property.GetCustomAttribute<IdAttribute>() is not null).Select(property => property.Name);
        Assert.Equal(copied.Concat(kept).Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));

        var rebuilt = Live(Writes(3));
        rebuilt.Segments = ["buyers"];
        rebuilt.TraitTimes = new(StringComparer.Ordinal) { ["plan"] = Start.AddYears(-2).UtcTicks };
        rebuilt.Unconfirmed("buyers", Start.UtcTicks);
        (rebuilt.WakeupTicks, rebuilt.PassedWakeupTicks) = (Start.AddHours(1).UtcTicks, Start.AddMinutes(30).UtcTicks);
        var state = Live(Writes(1));
        (state.WakeupTicks, state.PassedWakeupTicks) = (Start.AddHours(2).UtcTicks, 0);
        new RestoreChange(SerializerFixture.RoundTrip(rebuilt), Start.AddDays(1)).ApplyTo(state);

        Assert.Equal((Start.AddHours(2).UtcTicks, 0L), (state.WakeupTicks, state.PassedWakeupTicks));
        (rebuilt.WakeupTicks, rebuilt.PassedWakeupTicks) = (state.WakeupTicks, state.PassedWakeupTicks);
        Assert.Equal(Serialized(rebuilt), Serialized(state));
        Assert.True(new CustomerEntry(4, Start, [new RestoreChange(rebuilt, Start)]).Rewrites);
    }

    /// <summary>Writes 1 to <paramref name="count"/>: events of two types, old and new, and traits with consent.</summary>
    private static List<CustomerEntry> Writes(int count) =>
    [
        .. Enumerable.Range(1, count).Select(seq =>
        {
            var at = Start.AddMinutes(seq);
            CustomerChange change = seq % 2 == 0
                ? new TraitsChange(new TraitPatch(new Dictionary<string, string?> { ["plan"] = $"\"p{seq}\"" }, new Dictionary<string, bool> { ["email"] = seq % 4 == 0 }), at)
                : new EventsChange("shop", [new CustomerEvent($"e{seq}", seq % 3 == 0 ? "page_view" : "purchase", at.AddDays(-seq * 5), seq * 10m, "web", null)], at);
            return new CustomerEntry(seq, at, [change]);
        }),
    ];

    private static CustomerState Live(List<CustomerEntry> writes)
    {
        // As the journal reads it back: each entry replayed after a round trip through the codec.
        var state = new CustomerState();
        foreach (var entry in writes) SerializerFixture.Codec.Decode<CustomerEntry>(SerializerFixture.Codec.Encode(entry, compress: false), "ann").Replay(state);
        return state;
    }

    private ArchiveRecord Record(long seq) => new(_key.IdText, seq, Start.AddMinutes(seq), []);

    private static Func<ArchiveKey, ArchiveRecord, CustomerEntry> Open(List<CustomerEntry> writes) =>
        (_, record) => SerializerFixture.RoundTrip(writes[(int)record.Seq - 1]);

    private static byte[] Serialized(CustomerState state) => SerializerFixture.Serialize(state);
}
