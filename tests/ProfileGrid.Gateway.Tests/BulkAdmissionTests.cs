using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Settings;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// Bulk requests let small ones go first while the thread pool is behind (<see cref="BulkAdmission"/>): on a fake
/// clock, with the probe's measurements fed in by hand (the real probe: <see cref="QueueDelayProbeTests"/>).
/// </summary>
public sealed class BulkAdmissionTests : IDisposable
{
    private const int Bulk = 100;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Fact]
    public async Task While_the_thread_pool_keeps_up_bulk_requests_all_go_at_once()
    {
        var admission = Admission();
        Probe(admission, TimeSpan.FromMilliseconds(0.4));

        var slots = new[] { admission.EnterAsync(Bulk), admission.EnterAsync(Bulk), admission.EnterAsync(Bulk) };

        Assert.All(slots, slot => Assert.True(slot.IsCompletedSuccessfully));
        foreach (var slot in slots) Assert.NotNull(await slot);
    }

    [Fact]
    public void Behind_the_thread_pool_bulk_requests_go_one_at_a_time_in_the_order_they_came()
    {
        var admission = Admission();
        Probe(admission, TimeSpan.FromMilliseconds(2));

        var first = admission.EnterAsync(Bulk);
        var second = admission.EnterAsync(Bulk);
        var third = admission.EnterAsync(Bulk);

        Assert.True(first.IsCompletedSuccessfully, "one bulk request always goes");
        Assert.False(second.IsCompleted);
        Admitted(first).Dispose();
        Assert.True(second.IsCompletedSuccessfully);
        Assert.False(third.IsCompleted);
        Admitted(second).Dispose();
        Assert.True(third.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Small_requests_never_wait()
    {
        var admission = Admission();
        Probe(admission, TimeSpan.FromMilliseconds(50));
        var held = admission.EnterAsync(Bulk);
        var waiting = admission.EnterAsync(Bulk);

        var small = admission.EnterAsync(Bulk - 91);

        Assert.True(small.IsCompletedSuccessfully);
        Assert.Null(await small);
        Assert.True(held.IsCompletedSuccessfully);
        Assert.False(waiting.IsCompleted);
    }

    [Fact]
    public void A_bulk_request_holds_the_others_for_the_lease_at_most()
    {
        var admission = Admission();
        var waits = new List<double>();
        using var listener = ListenToWaits(waits);
        Probe(admission, TimeSpan.FromMilliseconds(2));
        var first = admission.EnterAsync(Bulk);
        var second = admission.EnterAsync(Bulk);
        var third = admission.EnterAsync(Bulk);

        _clock.Advance(TimeSpan.FromMilliseconds(4.9));
        admission.Tick();
        Assert.False(second.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(0.1));
        admission.Tick();
        Assert.True(second.IsCompletedSuccessfully);

        Admitted(first).Dispose(); // its slot went back with the lease: this lets nobody else go
        Assert.False(third.IsCompleted);
        Assert.Equal([0, 0.005], waits);
    }

    [Fact]
    public void A_probe_that_finds_the_thread_pool_caught_up_lets_the_next_one_go()
    {
        var admission = Admission();
        Probe(admission, TimeSpan.FromMilliseconds(2));
        var first = admission.EnterAsync(Bulk);
        var second = admission.EnterAsync(Bulk);
        var third = admission.EnterAsync(Bulk);

        Probe(admission, TimeSpan.FromMilliseconds(0.6));
        Assert.False(second.IsCompleted);
        Probe(admission, TimeSpan.FromMilliseconds(0.3));

        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.False(third.IsCompleted, "one per probe");
    }

    [Fact]
    public void A_probe_still_waiting_for_a_thread_counts_as_the_delay()
    {
        var admission = Admission();
        Probe(admission, TimeSpan.FromMilliseconds(0.1));
        var first = admission.EnterAsync(Bulk);

        admission.ProbeSent();
        _clock.Advance(TimeSpan.FromMilliseconds(0.4));
        Assert.True(admission.EnterAsync(Bulk).IsCompletedSuccessfully);
        _clock.Advance(TimeSpan.FromMilliseconds(0.1));
        var third = admission.EnterAsync(Bulk);

        Assert.True(first.IsCompletedSuccessfully);
        Assert.False(third.IsCompleted);
    }

    [Fact]
    public async Task Disabled_every_request_goes_at_once()
    {
        var admission = Admission(new BulkAdmissionOptions { Enabled = false });
        Probe(admission, TimeSpan.FromMilliseconds(50));

        Task<IDisposable?>[] slots = [admission.EnterAsync(Bulk), admission.EnterAsync(Bulk), admission.EnterAsync(1000)];

        Assert.All(slots, slot => Assert.True(slot.IsCompletedSuccessfully));
        Assert.Equal([null, null, null], await Task.WhenAll(slots));
    }

    [Theory]
    [InlineData(1, 0.5, 5, "ProfileGrid:BulkAdmission:BulkEvents must be 2 to 1000, not 1.")]
    [InlineData(1001, 0.5, 5, "ProfileGrid:BulkAdmission:BulkEvents must be 2 to 1000, not 1001.")]
    [InlineData(10, 0, 5, "ProfileGrid:BulkAdmission:QueueDelayTarget must be 0.01 ms to 1 s, not 00:00:00.")]
    [InlineData(10, 0.5, -1, "ProfileGrid:BulkAdmission:Lease must be 0.1 ms to 10 s, not -00:00:00.0010000.")]
    public void Settings_that_cannot_work_stop_the_start(int bulkEvents, double targetMs, double leaseMs, string failure)
    {
        var options = new BulkAdmissionOptions
        {
            BulkEvents = bulkEvents,
            QueueDelayTarget = TimeSpan.FromMilliseconds(targetMs),
            Lease = TimeSpan.FromMilliseconds(leaseMs),
        };

        Assert.Equal([failure], new CheckedOptionsValidator<BulkAdmissionOptions>().Validate(null, options).Failures);
        Assert.True(new CheckedOptionsValidator<BulkAdmissionOptions>().Validate(null, new BulkAdmissionOptions()).Succeeded);
    }

    private static IDisposable Admitted(Task<IDisposable?> slot)
    {
        Assert.True(slot.IsCompletedSuccessfully);
        return slot.Result!;
    }

    private BulkAdmission Admission(BulkAdmissionOptions? options = null) =>
        new(Options.Create(options ?? new BulkAdmissionOptions()), Metrics(), _clock);

    private IngestionMetrics Metrics() => new(_services.GetRequiredService<IMeterFactory>());

    // What QueueDelayProbe does: a work item queued, and started this much later.
    private void Probe(BulkAdmission admission, TimeSpan delay)
    {
        admission.ProbeSent();
        _clock.Advance(delay);
        admission.ProbeRan();
    }

    private MeterListener ListenToWaits(List<double> waits)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == IngestionMetrics.BulkWaitInstrument && instrument.Meter.Scope == _services.GetRequiredService<IMeterFactory>())
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => waits.Add(Math.Round(value, 6)));
        listener.Start();
        return listener;
    }

    public void Dispose() => _services.Dispose();
}
