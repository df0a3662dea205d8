using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ProfileGrid.Client;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// The .NET producer client (<c>src/ProfileGrid.Client</c>) against a real gateway: batching by size and time, retries
/// that keep each event's id, back-pressure from a bounded queue, flush on dispose, and its log and metrics.
/// </summary>
public sealed class ProducerClientTests(KestrelGatewayFixture gateway) : IClassFixture<KestrelGatewayFixture>
{
    [Fact]
    public async Task Events_go_in_batches_by_size_and_the_rest_on_flush()
    {
        var counting = new CountingHandler();
        await using var client = Client(counting, options => (options.MaxBatchSize, options.MaxBatchDelay) = (10, TimeSpan.FromMinutes(1)));
        var customer = NewCustomerId();

        for (var i = 0; i < 25; i++) await client.TrackAsync(ProfileEvent.For(customer, "page_view"));
        await WaitUntil(() => counting.Requests == 2);
        await client.FlushAsync();

        Assert.Equal(3, counting.Requests);
        Assert.Equal(25, await CountAsync(customer, "page_view"));
    }

    [Fact]
    public async Task A_partial_batch_goes_when_its_delay_is_up()
    {
        var counting = new CountingHandler();
        await using var client = Client(counting, options => (options.MaxBatchSize, options.MaxBatchDelay) = (100, TimeSpan.FromMilliseconds(100)));
        var customer = NewCustomerId();

        for (var i = 0; i < 3; i++) await client.TrackAsync(ProfileEvent.For(customer, "page_view"));
        await WaitUntil(() => counting.Requests == 1);

        Assert.Equal(3, await CountAsync(customer, "page_view"));
    }

    [Fact]
    public async Task A_batch_whose_answer_is_lost_is_sent_again_with_the_same_ids_and_counts_once()
    {
        using var meter = new MeterCapture();
        // The first request reaches the gateway and is stored, but the client sees a 503.
        var lossy = new CountingHandler { LoseFirstAnswer = true };
        await using var client = Client(lossy, options => options.RetryDelay = TimeSpan.FromMilliseconds(10));
        var customer = NewCustomerId();

        for (var i = 0; i < 5; i++) await client.TrackAsync(ProfileEvent.For(customer, "purchase", value: 10m));
        await client.FlushAsync();

        Assert.Equal(2, lossy.Requests);
        Assert.Equal(5, await CountAsync(customer, "purchase"));
        Assert.Equal(1, meter.Total("profilegrid.client.retries"));
        Assert.Equal(5, meter.Total("profilegrid.client.events", "duplicate"));
    }

    [Fact]
    public async Task A_full_queue_holds_the_producer_back_until_the_gateway_takes_more()
    {
        var gated = new CountingHandler { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var client = Client(gated, options => (options.MaxBatchSize, options.QueueCapacity, options.MaxBatchDelay) = (10, 10, TimeSpan.FromMilliseconds(10)));
        var customer = NewCustomerId();

        // One batch is in flight (held at the gate); ten more fill the queue.
        for (var i = 0; i < 10; i++) await client.TrackAsync(ProfileEvent.For(customer, "click"));
        await WaitUntil(() => gated.Requests == 1);
        for (var i = 0; i < 10; i++) Assert.True(client.TryTrack(ProfileEvent.For(customer, "click")));
        var refused = client.TryTrack(ProfileEvent.For(customer, "click"));
        var waiting = client.TrackAsync(ProfileEvent.For(customer, "click")).AsTask();
        await Task.Delay(200);
        var waitedWhileFull = !waiting.IsCompleted;
        gated.Gate.SetResult();
        await waiting;
        await client.FlushAsync();

        Assert.False(refused);
        Assert.True(waitedWhileFull);
        Assert.Equal(21, await CountAsync(customer, "click"));
    }

    [Fact]
    public async Task Disposing_sends_what_is_queued()
    {
        var customer = NewCustomerId();
        await using (var client = Client(new CountingHandler(), options => options.MaxBatchDelay = TimeSpan.FromMinutes(1)))
        {
            for (var i = 0; i < 7; i++) await client.TrackAsync(ProfileEvent.ForAnonymous(customer, "page_view", properties: new Dictionary<string, object?> { ["path"] = $"/p/{i}" }));
        }

        var profile = await ApiAssert.Json(await gateway.Http(AgentKey).GetAsync($"/v1/customers/anon:{customer}"), HttpStatusCode.OK);
        Assert.Equal(7, (long)profile["counters"]!["page_view"]!["total"]!["count"]!);
        Assert.Equal("/p/6", (string?)profile["recentActivity"]!.AsArray().Select(e => e!["properties"]!["path"]).OfType<JsonNode>().Select(p => (string)p!).Max(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_event_the_gateway_rejects_is_logged_with_its_reason_and_counted()
    {
        using var meter = new MeterCapture();
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var customer = NewCustomerId();
        await using (var client = new ProfileGridClient(Options(), factory.CreateLogger<ProfileGridClient>(), new CountingHandler()))
        {
            await client.TrackAsync(new ProfileEvent("bad-1", "Not A Type", customer));
            await client.TrackAsync(ProfileEvent.For(customer, "page_view"));
        }

        Assert.Contains(logs.Lines, line => line.Contains("rejected event bad-1", StringComparison.Ordinal) && line.Contains("type is required", StringComparison.Ordinal));
        Assert.Equal(1, meter.Total("profilegrid.client.events", "rejected"));
        Assert.Equal(1, meter.Total("profilegrid.client.events", "accepted"));
    }

    [Theory]
    [InlineData("no-endpoint")]
    [InlineData("no-key")]
    [InlineData("batch-too-large")]
    [InlineData("queue-smaller-than-batch")]
    public void Options_that_cannot_work_are_refused_at_construction(string what)
    {
        var options = Options();
        switch (what)
        {
            case "no-endpoint": options.Endpoint = null; break;
            case "no-key": options.ApiKey = ""; break;
            case "batch-too-large": options.MaxBatchSize = 1001; break;
            default: options.QueueCapacity = options.MaxBatchSize - 1; break;
        }

        Assert.ThrowsAny<ArgumentException>(() => new ProfileGridClient(options));
    }

    private ProfileGridClient Client(HttpMessageHandler handler, Action<ProfileGridClientOptions> configure)
    {
        var options = Options();
        configure(options);
        return new ProfileGridClient(options, handler: handler);
    }

    private ProfileGridClientOptions Options() => new() { Endpoint = gateway.BaseAddress, ApiKey = ProducerKey };

    private async Task<long> CountAsync(string customer, string type)
    {
        var profile = await ApiAssert.Json(await gateway.Http(AgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);
        return (long)profile["counters"]![type]!["total"]!["count"]!;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition()) await Task.Delay(10, timeout.Token);
    }

    /// <summary>Sends to the gateway, counting requests; can hold them at a gate, or store the first and answer it 503.</summary>
    private sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        public bool LoseFirstAnswer { get; init; }

        public TaskCompletionSource? Gate { get; init; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var number = Interlocked.Increment(ref _requests);
            if (Gate is not null) await Gate.Task;
            var response = await base.SendAsync(request, cancellationToken);
            if (!LoseFirstAnswer || number != 1) return response;
            response.Dispose();
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        }
    }

    /// <summary>Sums the client's measurements while it lives.</summary>
    private sealed class MeterCapture : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Name, long Value, string? Outcome)> _measurements = [];

        public MeterCapture()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ProfileGridClient.MeterName) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                string? outcome = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "outcome") outcome = tag.Value as string;
                }

                lock (_measurements) _measurements.Add((instrument.Name, value, outcome));
            });
            _listener.Start();
        }

        public long Total(string name, string? outcome = null)
        {
            lock (_measurements) return _measurements.Where(m => m.Name == name && (outcome is null || m.Outcome == outcome)).Sum(m => m.Value);
        }

        public void Dispose() => _listener.Dispose();
    }
}
