using System.Diagnostics.Metrics;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Segments;
using ProfileGrid.Storage;
using static ProfileGrid.Grains.Tests.Cluster.ClusterFixture;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>
/// No computation can take a customer down: value scores that overflow and a segment rule that throws on a stored
/// trait are contained (counted, left out), and the customer stays readable, writable and erasable. The customers
/// here are stored as an earlier version may have left them: a revenue at decimal's limit, a trait that is not JSON.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ContainmentTests(ClusterFixture fixture) : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _valueFailures;
    private long _segmentFailures;

    [Fact]
    public async Task A_customer_whose_scores_and_a_rule_throw_stays_readable_writable_and_erasable()
    {
        Listen();
        var id = $"c-{Guid.NewGuid():N}";
        await StoreLegacyCustomer(id);
        var segment = $"broken-{Guid.NewGuid():N}"[..20];
        var definition = await fixture.Grains.GetGrain<ISegmentRegistryGrain>(ISegmentRegistryGrain.Key).Define(segment, "trait.note == \"x\"", null, "test");
        var customer = fixture.Grains.GetGrain<ICustomerGrain>(id);

        var profile = await customer.GetProfile();
        await customer.ReevaluateSegments([new SegmentVersion(definition.Name, definition.DefinedAt)]);
        var applied = await customer.ApplyEvents(Producer, [new CustomerEvent("late-1", "purchase", Clock.GetUtcNow(), 5m, "web", null)]);
        var traits = await customer.MergeTraits(new TraitPatch(new() { ["plan"] = "\"gold\"" }, []));
        var after = await customer.GetProfile();

        Assert.NotNull(profile);
        Assert.Null(profile.Value);
        Assert.Equal(decimal.MaxValue, profile.Counters.Single(counter => counter.Type == "purchase").Total.Sum);
        Assert.Equal([EventOutcome.Accepted], applied.Outcomes);
        Assert.Equal(["plan"], traits.Traits);
        Assert.Equal(2, after!.Counters.Single(counter => counter.Type == "purchase").Total.Count);
        Assert.True(Interlocked.Read(ref _valueFailures) >= 1, "the scores' failure was not counted");
        Assert.True(Interlocked.Read(ref _segmentFailures) >= 1, "the rule's failure was not counted");
        Assert.Empty(await fixture.Grains.For(segment, SegmentShards.Of(id)).Members(null, 10));

        await customer.EraseProfile();
        Assert.Null(await customer.GetProfile());
    }

    public void Dispose() => _listener.Dispose();

    private void Listen()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == ContainedFailures.Instrument) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "part", Value: "value" }) Interlocked.Add(ref _valueFailures, value);
                if (tag is { Key: "part", Value: "segment" }) Interlocked.Add(ref _segmentFailures, value);
            }
        });
        _listener.Start();
    }

    /// <summary>A customer as a version before the value bound may have stored it: revenue at decimal's limit, a trait that is not JSON.</summary>
    private static async Task StoreLegacyCustomer(string id)
    {
        var now = Clock.GetUtcNow();
        var state = new CustomerState { Seq = 1, FirstSeen = now.AddDays(-3), LastSeen = now.AddDays(-3) };
        state.Counters.Record("purchase", now.AddDays(-3), 1m, now);
        state.Counters.Series["purchase"].TotalSum = decimal.MaxValue;
        state.Traits["note"] = "{not json";
        await FaultableJournalStorage.Shared.WriteAsync(id, JournalVersion.None, JournalWrite.Snapshot(SerializerFixture.Codec.Encode(state, compress: true)));
    }
}
