using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Testing;
using Xunit.Abstractions;

namespace ProfileGrid.Grains.Tests.Customers;

/// <summary>A quiet customer must cost little to store: a typical month of 50 events.</summary>
public sealed class StateSizeTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>50 events of 5 types over the last 30 days, each applied when it happened; three traits and one consent flag.</summary>
    internal static CustomerState TypicalCustomer() => SampleCustomers.Build("typical");

    [Fact]
    public void A_typical_customers_counters_take_at_most_2_KiB()
    {
        var state = TypicalCustomer();

        var counters = SerializerFixture.Serialize(state.Counters).Length;
        var whole = SerializerFixture.Serialize(state).Length;
        output.WriteLine($"counters: {counters} B, idempotency ids: {SerializerFixture.Serialize(state.AppliedEvents).Length} B, " +
                         $"activity: {SerializerFixture.Serialize(state.Activity).Length} B, whole state: {whole} B");

        Assert.InRange(counters, 1, 2048);
    }

    [Fact]
    public void A_typical_customer_is_stored_in_at_most_2_KiB()
    {
        var state = TypicalCustomer();

        var stored = SerializerFixture.Codec.Encode(state, compress: true).Length;
        Assert.Equal(50, state.Counters.View(Now).Sum(view => view.Total.Count));
        output.WriteLine($"snapshot as stored: {stored} B (serialized: {SerializerFixture.Serialize(state).Length} B)");

        Assert.InRange(stored, 1, 2048);
    }

    [Fact]
    public void The_state_round_trips_through_the_serializer()
    {
        var state = TypicalCustomer();

        var copy = SerializerFixture.RoundTrip(state);

        Assert.Equal(state.Counters.View(Now).Select(v => (v.Type, v.LastMonth, v.Total)), copy.Counters.View(Now).Select(v => (v.Type, v.LastMonth, v.Total)));
        Assert.Equal(state.Activity.Events, copy.Activity.Events);
        Assert.Equal(state.Channels, copy.Channels);
        Assert.Equal((state.Seq, state.FirstSeen, state.LastSeen), (copy.Seq, copy.FirstSeen, copy.LastSeen));
        Assert.Equal(state.Traits, copy.Traits);
        Assert.Equal(state.Consent, copy.Consent);
    }

    /// <summary>
    /// A customer at every bound at once: each of the 32 event types with events in every minute of the last hour,
    /// every hour of the last week and every day of the last month; 100 traits filling 16 KiB; 32 consent purposes;
    /// 32 channels; 50 activity entries with 512-byte property summaries and 128-character ids; 10,000 idempotency ids.
    /// </summary>
    internal static CustomerState LargestCustomer()
    {
        var state = new CustomerState();
        // Distinct strings throughout: the serializer writes a repeated string instance once.
        state.Merge(new TraitPatch(
            Enumerable.Range(0, CustomerLimits.MaxTraits).ToDictionary(i => $"trait{i:D3}",
                i => (string?)$"\"{new string('t', CustomerLimits.MaxTraitBytes / CustomerLimits.MaxTraits - 14)}{i:D3}\""),
            Enumerable.Range(0, CustomerLimits.MaxConsentPurposes).ToDictionary(i => $"purpose{i}", _ => true)));
        var slots = Enumerable.Range(0, 60).Select(m => Now.AddMinutes(-m))
            .Concat(Enumerable.Range(1, 7 * 24).Select(h => Now.AddHours(-h)))
            .Concat(Enumerable.Range(8, 22).Select(d => Now.AddDays(-d)));
        var properties = $$"""{"p":"{{new string('p', CustomerLimits.MaxActivityPropertiesBytes)}}","q":"{{new string('q', 480)}}"}""";
        var n = 0;
        foreach (var at in slots)
        {
            for (var type = 0; type < CustomerLimits.MaxEventTypes; type++)
            {
                var id = $"{n++}".PadLeft(128, 'x');
                state.Apply(new CustomerEvent(id, $"event_type_{type:D2}_{new string('t', 40)}", at, 123_456_789.123456m,
                    $"channel_{type}", properties), Now);
                state.AppliedEvents.TryAdd(1, id, Now);
            }
        }

        while (state.AppliedEvents.Count < IdempotencyLog.MaxEntries) state.AppliedEvents.TryAdd(1, $"{n++}".PadLeft(128, 'x'), Now);
        state.Compact(Now);
        state.Seq = long.MaxValue;
        return state;
    }

    [Fact]
    public void The_largest_customer_the_bounds_allow_stays_far_inside_a_table_row()
    {
        var state = LargestCustomer();

        var whole = SerializerFixture.Serialize(state).Length;
        output.WriteLine($"counters: {SerializerFixture.Serialize(state.Counters).Length} B, idempotency ids: " +
                         $"{SerializerFixture.Serialize(state.AppliedEvents).Length} B, activity: {SerializerFixture.Serialize(state.Activity).Length} B, " +
                         $"traits: {SerializerFixture.Serialize(state.Traits).Length} B, whole state: {whole} B");

        Assert.Equal(CustomerLimits.MaxEventTypes, state.Counters.TypeCount);
        Assert.Equal(CustomerLimits.MaxTraits, state.Traits.Count);
        Assert.Equal(CustomerLimits.MaxConsentPurposes, state.Consent.Count);
        Assert.Equal(IdempotencyLog.MaxEntries, state.AppliedEvents.Count);
        Assert.InRange(state.Activity.Bytes, 1, CustomerLimits.MaxActivityBytes);
        Assert.InRange(whole, 1, LargestStateBytes);
    }

    /// <summary>
    /// The cost of a history type's year: a customer who bought on each of the last 365 days (one day slot each) against
    /// one who bought once, serialized and as stored (compressed), per day slot; and in memory, a <see cref="ProfileGrid.Counters.Bucket"/>
    /// in its list.
    /// </summary>
    [Fact]
    public void A_history_types_day_slot_costs_a_few_bytes_stored_and_24_in_memory()
    {
        var history = ProfileGrid.Counters.HistoryTypes.Of(["purchase"]);
        CustomerState Buyer(int days)
        {
            var state = new CustomerState { History = history };
            for (var day = 0; day < days; day++) state.Apply(new CustomerEvent($"p{day}", "purchase", Now.AddDays(-day - 8), 49.95m, null, null), Now);
            state.AppliedEvents = new IdempotencyLog();
            state.Activity = new ActivityLog();
            state.Compact(Now);
            return state;
        }

        var (one, year) = (Buyer(1), Buyer(357));
        Assert.Equal(357, year.Counters.Series["purchase"].Days.Count);
        var serialized = (SerializerFixture.Serialize(year.Counters).Length - SerializerFixture.Serialize(one.Counters).Length) / 356.0;
        var stored = (SerializerFixture.Codec.Encode(year, compress: true).Length - SerializerFixture.Codec.Encode(one, compress: true).Length) / 356.0;
        output.WriteLine($"a day slot of a history type: {serialized:F1} B serialized, {stored:F1} B stored (compressed), "
            + $"{System.Runtime.CompilerServices.Unsafe.SizeOf<ProfileGrid.Counters.Bucket>()} B in memory (its list's array grows by doubling)");

        Assert.Equal(24, System.Runtime.CompilerServices.Unsafe.SizeOf<ProfileGrid.Counters.Bucket>());
        Assert.InRange(serialized, 1, 32);
        Assert.InRange(stored, 0.1, 32);
    }

    [Fact]
    public void The_largest_customer_with_a_year_of_the_most_history_types_stays_inside_the_bound()
    {
        var state = LargestCustomer();
        var types = state.Counters.Series.Keys.Order(StringComparer.Ordinal).Take(ProfileGrid.Counters.HistoryTypes.Max).ToList();
        state.History = ProfileGrid.Counters.HistoryTypes.Of(types);
        var n = 0;
        foreach (var type in types)
        {
            for (var day = 31; day < 365; day++) state.Apply(new CustomerEvent($"y{n++}", type, Now.AddDays(-day), 123_456_789.123456m, null, null), Now);
        }

        state.Compact(Now);
        var counters = SerializerFixture.Serialize(state.Counters).Length;
        var whole = SerializerFixture.Serialize(state).Length;
        output.WriteLine($"with a year of {types.Count} of its {state.Counters.TypeCount} types: counters {counters} B, whole state {whole} B, "
            + $"stored {SerializerFixture.Codec.Encode(state, compress: true).Length} B");

        // The month's 22 days and the week's oldest hour (its day now), and 334 days of the rest of the year.
        Assert.All(types, type => Assert.Equal(357, state.Counters.Series[type].Days.Count));
        Assert.InRange(whole, 1, LargestStateBytes);
    }

    /// <summary>The documented bound of a customer's stored state: half of what one table row holds (960 KiB).</summary>
    internal const int LargestStateBytes = 480 * 1024;
}
