using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.Realtime;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>A gateway with telemetry on (as an exporter's configuration turns it on), its spans kept in memory.</summary>
public sealed class TelemetryGatewayFixture : GatewayFixture
{
    /// <summary>The exporter adds from its own thread; the tests copy it under the same lock.</summary>
    public SpanLog Spans { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ProfileGrid:Telemetry:Enabled", "true");
        builder.ConfigureTestServices(services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(Spans)));
    }

    /// <summary>The spans exported so far (a copy: the exporter keeps adding to the list).</summary>
    public List<Activity> Exported()
    {
        Services.GetRequiredService<TracerProvider>().ForceFlush();
        return Spans.Snapshot();
    }
}

/// <summary>Spans as the in-memory exporter adds them, each add under a lock that <see cref="Snapshot"/> shares.</summary>
public sealed class SpanLog : System.Collections.ObjectModel.Collection<Activity>
{
    private readonly Lock _gate = new();

    public List<Activity> Snapshot()
    {
        lock (_gate) return [.. this];
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (_gate) base.InsertItem(index, item);
    }
}

/// <summary>
/// What operators see: one trace from an event's HTTP request through its grain call and storage write to the push
/// to the agents watching, and the ingestion and hub instruments counting exactly what happened.
/// </summary>
public sealed class TelemetryTests(TelemetryGatewayFixture gateway) : IClassFixture<TelemetryGatewayFixture>
{
    private readonly HttpClient _producer = gateway.As(ProducerKey);

    private static string Event(string id, string customer) => $$"""{"id":"{{id}}","type":"page_view","customerId":"{{customer}}"}""";

    [Fact]
    public async Task One_trace_follows_an_event_from_its_request_through_the_write_to_the_push()
    {
        var customer = NewCustomerId();
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        await agent.Watch(customer);

        Assert.Equal(HttpStatusCode.Accepted, (await _producer.PostAsync("/v1/events", Json(Event("t1", customer)))).StatusCode);
        await AgentClient.Next(agent.ProfileChanged);

        var spans = gateway.Exported();
        var write = Assert.Single(spans, span => span.OperationName == "customer write" && Equals(span.GetTagItem("profilegrid.customer_id"), customer));
        var push = Assert.Single(spans, span => span.OperationName == "push profile" && Equals(span.GetTagItem("profilegrid.customer_id"), customer));
        var request = Assert.Single(spans, span => span.TraceId == write.TraceId && span.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal("POST", request.GetTagItem("http.request.method"));
        Assert.Equal(request.TraceId, push.TraceId);
        Assert.Equal(1, write.GetTagItem("profilegrid.events"));
        Assert.Equal(1, push.GetTagItem("profilegrid.connections"));
        // The write is inside the grain call (Orleans' span), inside the request.
        var parents = Ancestors(spans, write).ToList();
        Assert.Contains(parents, span => span.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
        Assert.Equal(request, parents[^1]);
    }

    [Fact]
    public async Task The_ingestion_and_hub_instruments_count_what_happened()
    {
        var measurements = new List<(string Instrument, double Value, string? Outcome)>();
        using var listener = Listen(gateway.Services.GetRequiredService<IMeterFactory>(), measurements);
        var customer = NewCustomerId();
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        await agent.Watch(customer);

        Assert.Equal(HttpStatusCode.Accepted, (await _producer.PostAsync("/v1/events", Json(Event("m1", customer)))).StatusCode);
        var batch = $$"""{"events":[{{Event("m1", customer)}},{{Event("m2", customer)}},{{Event("m3", customer)}},{"id":"m4","type":"Not A Type","customerId":"{{customer}}"}]}""";
        Assert.Equal(HttpStatusCode.Accepted, (await _producer.PostAsync("/v1/events", Json(batch))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _producer.PostAsync("/v1/events", Json("""{"id":"m5"}"""))).StatusCode);
        // Two writes, two pushes; each push's latency is recorded once written to the connection, just after it is sent.
        await AgentClient.Next(agent.ProfileChanged);
        await AgentClient.Next(agent.ProfileChanged);
        for (var wait = 0; wait < 100 && Pushes() < 2; wait++) await Task.Delay(50);
        listener.RecordObservableInstruments();

        double Sum(string instrument, string? outcome = null) =>
            measurements.Where(m => m.Instrument == instrument && (outcome is null || m.Outcome == outcome)).Sum(m => m.Value);
        Assert.Equal(6, Sum(IngestionMetrics.ReceivedInstrument));
        Assert.Equal(3, Sum(IngestionMetrics.OutcomesInstrument, "accepted"));
        Assert.Equal(1, Sum(IngestionMetrics.OutcomesInstrument, "duplicate"));
        Assert.Equal(2, Sum(IngestionMetrics.OutcomesInstrument, "rejected"));
        Assert.Equal([1, 4, 1], measurements.Where(m => m.Instrument == IngestionMetrics.BatchSizeInstrument).Select(m => m.Value));
        Assert.Equal(2, measurements.Count(m => m.Instrument == IngestionMetrics.ApplyDurationInstrument && m.Value > 0));
        Assert.Equal(1, measurements.Last(m => m.Instrument == RealtimeMetrics.ConnectionsInstrument).Value);
        Assert.Equal(1, measurements.Last(m => m.Instrument == RealtimeMetrics.WatchedInstrument).Value);
        Assert.Equal(2, Pushes());
        Assert.All(measurements.Where(m => m.Instrument == RealtimeMetrics.PushLatencyInstrument), m => Assert.InRange(m.Value, 0, 10));

        int Pushes()
        {
            lock (measurements) return measurements.Count(m => m.Instrument == RealtimeMetrics.PushLatencyInstrument);
        }
    }

    private static IEnumerable<Activity> Ancestors(List<Activity> spans, Activity span)
    {
        for (var parent = spans.Find(s => s.SpanId == span.ParentSpanId); parent is not null; parent = spans.Find(s => s.SpanId == parent.ParentSpanId))
        {
            yield return parent;
        }
    }

    /// <summary>Every measurement of this gateway's own meters (not another test server's in the same process).</summary>
    private static MeterListener Listen(IMeterFactory factory, List<(string, double, string?)> measurements)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Meter.Name.StartsWith("ProfileGrid.", StringComparison.Ordinal)) listener.EnableMeasurementEvents(instrument);
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? outcome = null;
            foreach (var tag in tags) if (tag.Key == IngestionMetrics.OutcomeTag) outcome = (string?)tag.Value;
            lock (measurements) measurements.Add((instrument.Name, value, outcome));
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        return listener;
    }
}
