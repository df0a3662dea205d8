using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ProfileGrid.Destinations;
using ProfileGrid.Testing;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests.Destinations;

/// <summary>
/// A destination's queue called as its callers call it (a customer's hand-off, the dead letters' redelivery), sending
/// to the webhook receiver process: a delivery queued again while it waits is sent once, and a redelivery into a full
/// queue takes what fits and leaves the rest where they were, without the two grains waiting on each other.
/// </summary>
[Collection(DestinationsCollection.Name)]
public sealed class DeliveryQueueTests(DestinationsGatewayFixture gateway) : IAsyncLifetime
{
    private readonly List<string> _defined = [];

    private IGrainFactory Grains => gateway.Services.GetRequiredService<IGrainFactory>();

    private DeliveryOptions Options => gateway.Services.GetRequiredService<IOptions<DeliveryOptions>>().Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var name in _defined) await gateway.As(AdminKey).DeleteAsync($"/v1/destinations/{name}");
    }

    [Fact]
    public async Task A_delivery_queued_again_while_it_waits_is_delivered_once()
    {
        var (name, customer) = (Unique("d-"), NewCustomerId());
        // The first attempt hangs (until the 1 s attempt timeout), so everything below is queued while the head waits.
        var secret = await Define(name, hang: true);
        var queue = QueueOf(name, customer);
        var (a, b, c, d) = (NewDelivery(customer), NewDelivery(customer), NewDelivery(customer), NewDelivery(customer));

        await queue.Enqueue([a, b]);
        // A caller queueing the same deliveries again (after a crash) and one more, and one delivery twice in a batch.
        await queue.Enqueue([b, a, c]);
        await queue.Enqueue([d, d]);

        Assert.Equal(4, await queue.Depth());
        await gateway.ConfigureHook(name, secret);
        await Eventually.Async(async () => await queue.Depth(), depth => depth == 0, "the queue drains");
        var received = await gateway.Received(name);
        Assert.Equal([a.Id, b.Id, c.Id, d.Id], received.Where(request => request.Status == 200).Select(request => request.Id));
        Assert.Equal([a.Id], received.Where(request => request.Status != 200).Select(request => request.Id));
        var status = await queue.Status();
        Assert.Equal((4L, 1L, 0L, false), (status.Delivered, status.FailedAttempts, status.DeadLettered, status.Retrying));
        Assert.Equal("no answer within the attempt timeout", status.LastError?.Error);
    }

    [Fact]
    public async Task A_redelivery_into_a_full_queue_takes_what_fits_and_leaves_the_rest_as_they_were()
    {
        var (name, customer) = (Unique("d-"), NewCustomerId());
        var secret = await Define(name, failAlways: true);
        var queue = QueueOf(name, customer);
        // Queued "in an hour", so never too old to retry: the head keeps failing and the queue stays as full as it is made.
        var later = DateTimeOffset.UtcNow.AddHours(1);
        Delivery[] fillers = [.. Enumerable.Range(0, Options.MaxQueueLength - 2).Select(_ => NewDelivery(customer, later))];
        await queue.Enqueue(fillers);
        var deadAt = DateTimeOffset.UtcNow.AddMinutes(-5);
        DeadLetter[] letters = [.. Enumerable.Range(0, 5).Select(i => new DeadLetter(NewDelivery(customer, deadAt.AddMinutes(-1)), deadAt, i + 1, $"test letter {i}"))];
        var deadLetters = Grains.GetGrain<IDeadLetterGrain>(name);
        await deadLetters.Add(letters);

        try
        {
            // Bounded well inside the call timeout: a queue that dead-lettered its overflow by calling back into the dead
            // letters (busy with this call) would wait on them while they wait on it, until the call timed out.
            var redelivered = await deadLetters.Redeliver(100).WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal(2, redelivered);
            Assert.Equal(Options.MaxQueueLength, await queue.Depth());
            var left = await deadLetters.List(100);
            Assert.Equal(3, left.Total);
            // The letters that did not fit are the ones there were, unchanged: not dead-lettered again as "queue full".
            Assert.Equal(letters[2..], left.Letters);
            var waiting = await queue.Told(customer, 3);
            Assert.Equal([letters[1].Delivery.Id, letters[0].Delivery.Id, fillers[^1].Id], waiting.Select(record => record.Id));
            Assert.All(waiting, record => Assert.Equal(DeliveryState.Pending, record.State));

            Assert.Equal(0, await deadLetters.Redeliver(100).WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(letters[2..], (await deadLetters.List(100)).Letters);
        }
        finally
        {
            // Removed first, then answered: the head is taken and the queue, finding its destination gone, drops the rest.
            await gateway.As(AdminKey).DeleteAsync($"/v1/destinations/{name}");
            await gateway.ConfigureHook(name, secret);
            await Eventually.Async(async () => await queue.Depth(), depth => depth == 0, "the removed destination's queue empties");
        }
    }

    private IDeliveryQueueGrain QueueOf(string destination, string customer) =>
        Grains.GetGrain<IDeliveryQueueGrain>(IDeliveryQueueGrain.KeyOf(destination, Options.PartitionOf(customer)));

    private static Delivery NewDelivery(string customer, DateTimeOffset? queuedAt = null)
    {
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var body = $$$"""{"specversion":"1.0","id":"{{{id}}}","source":"urn:profilegrid:customers","type":"com.profilegrid.event","subject":"{{{customer}}}","datacontenttype":"application/json","data":{"customerId":"{{{customer}}}"}}""";
        return new Delivery(id, customer, "com.profilegrid.event", body, queuedAt ?? DateTimeOffset.UtcNow);
    }

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    private async Task<string> Define(string name, bool failAlways = false, bool hang = false)
    {
        var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await gateway.ConfigureHook(name, secret, failAlways: failAlways, hang: hang);
        _defined.Add(name);
        // An event type nothing posts: the test queues by hand.
        await ApiAssert.Json(await gateway.As(AdminKey).PutAsync($"/v1/destinations/{name}", Json($$$"""
            {"url":"{{{gateway.HookUrl(name)}}}","secret":"{{{secret}}}","filter":{"events":["{{{Unique("never_")}}}"]}}
            """)), HttpStatusCode.OK);
        return secret;
    }
}
