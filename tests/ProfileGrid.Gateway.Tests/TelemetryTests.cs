using System.Collections.Concurrent;
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
        // The producer's trace context, so that this request's spans are told apart from every other test's.
        var traceId = ActivityTraceId.CreateRandom();
        using var post = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = Json(Event("t1", customer)) };
        post.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        Assert.Equal(HttpStatusCode.Accepted, (await _producer.SendAsync(post)).StatusCode);
        await AgentClient.Next(agent.ProfileChanged);

        var spans = gateway.Exported();
        var write = Assert.Single(spans, span => span.OperationName == "customer write" && span.TraceId == traceId);
        var push = Assert.Single(spans, span => span.OperationName == "push profile" && span.TraceId == traceId);
        var request = Assert.Single(spans, span => span.TraceId == traceId && span.Source.Name == "Microsoft.AspNetCore");
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

    [Fact]
    public async Task No_span_or_metric_of_a_customers_whole_story_carries_its_id_or_an_identifier()
    {
        var (customer, anonymous) = (NewCustomerId(), $"a-{Guid.NewGuid():N}");
        var (email, device) = ($"{Guid.NewGuid():N}@example.com", $"d-{Guid.NewGuid():N}");
        string[] personal = [customer, anonymous, email, device];
        var tags = new ConcurrentQueue<string>();
        using var listener = ListenToEveryTag(tags);
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        await agent.Watch(customer);
        var admin = gateway.As(AdminKey);

        Assert.Equal(HttpStatusCode.Accepted, (await _producer.PostAsync("/v1/events",
            Json($$"""{"id":"s1","type":"page_view","anonymousId":"{{anonymous}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _producer.PostAsync("/v1/events", Json(Event("s2", customer)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _producer.PostAsync("/v1/identify", Json($$$"""
            {"customerId":"{{{customer}}}","anonymousId":"{{{anonymous}}}","identifiers":["email:{{{email}}}","device:{{{device}}}"],"traits":{"email":"{{{email}}}"}}
            """))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/v1/customers?email={Uri.EscapeDataString(email)}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/v1/customers/device:{device}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/customers/{customer}")).StatusCode);
        await AgentClient.Next(agent.Erased);
        listener.RecordObservableInstruments();

        var spans = gateway.Exported();
        Assert.Contains(spans, span => span.OperationName == "customer write");
        Assert.Contains(spans, span => span.OperationName == "push profile");
        var leaks = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var span in spans)
        {
            var texts = new List<string?> { $"name {span.DisplayName}", $"operation {span.OperationName}", $"status {span.StatusDescription}" };
            texts.AddRange(span.TagObjects.Select(tag => $"{tag.Key}={tag.Value}"));
            texts.AddRange(span.Events.SelectMany(e => e.Tags.Select(tag => $"event {e.Name}: {tag.Key}={tag.Value}")));
            texts.AddRange(span.Baggage.Select(item => $"baggage {item.Key}={item.Value}"));
            foreach (var text in texts.Where(Personal)) leaks.Add($"span of {span.Source.Name}: {text}");
        }

        foreach (var tag in tags.Where(Personal)) leaks.Add($"metric {tag}");
        Assert.True(leaks.Count == 0, $"telemetry carries personal data:\n{string.Join('\n', leaks)}");

        bool Personal(string? text) => text is not null && personal.Any(value => text.Contains(value, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Every tag of every measurement of every meter in the process, as <c>instrument: key=value</c>.</summary>
    private static MeterListener ListenToEveryTag(ConcurrentQueue<string> tags)
    {
        var listener = new MeterListener { InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument) };
        void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> measured)
        {
            foreach (var tag in measured) tags.Enqueue($"{instrument.Meter.Name}/{instrument.Name}: {tag.Key}={tag.Value}");
        }

        listener.SetMeasurementEventCallback<byte>((instrument, _, measured, _) => Record(instrument, measured));
        listener.SetMeasurementEventCallback<short>((instrument, _, measured, _) => Record(instrument, measured));
        listener.SetMeasurementEventCallback<int>((instrument, _, measured, _) => Record(instrument, measured));
        listener.SetMeasurementEventCallback<long>((instrument, _, measured, _) => Record(instrument, measured));
        listener.SetMeasurementEventCallback<float>((instrument, _, measured, _) => Record(instrument, measured));
        listener.SetMeasurementEventCallback<double>((instrument, _, measured, _) => Record(instrument, measured));
        listener.SetMeasurementEventCallback<decimal>((instrument, _, measured, _) => Record(instrument, measured));
        listener.Start();
        return listener;
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
