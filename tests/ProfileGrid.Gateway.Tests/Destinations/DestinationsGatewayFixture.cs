using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using ProfileGrid.Destinations;
using ProfileGrid.Testing;

namespace ProfileGrid.Gateway.Tests.Destinations;

/// <summary>
/// The gateway (standalone, memory storage) with deliveries that give up fast (retries from 50 ms, dead letters after
/// 3 s, an attempt timeout of 1 s), and a webhook receiver in its own process (<c>ProfileGrid.WebhookReceiver</c>) on
/// a free loopback port: deliveries go over real HTTP to a real listener.
/// </summary>
public sealed class DestinationsGatewayFixture : GatewayFixture, IAsyncLifetime
{
    public AppProcess Receiver { get; } = new("receiver", RepoPaths.AppDll("ProfileGrid.WebhookReceiver"), new Dictionary<string, string>());

    private readonly HttpClient _control = new() { Timeout = TimeSpan.FromSeconds(10) };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ProfileGrid:Destinations:Partitions", "2");
        builder.UseSetting("ProfileGrid:Destinations:AttemptTimeout", "00:00:01");
        builder.UseSetting("ProfileGrid:Destinations:FirstRetryDelay", "00:00:00.050");
        builder.UseSetting("ProfileGrid:Destinations:MaxRetryDelay", "00:00:00.200");
        builder.UseSetting("ProfileGrid:Destinations:MaxAge", "00:00:03");
        builder.UseSetting("ProfileGrid:Destinations:BreakDuration", "00:00:00.500");
        builder.UseSetting("ProfileGrid:Destinations:KeepRunningPeriod", "00:00:01");
        builder.UseSetting("ProfileGrid:Destinations:OutboxPollPeriod", "00:00:01");
        // The queues' storage as the host registers it, behind a switch that refuses its writes (FailQueueWrites).
        builder.ConfigureServices(services =>
        {
            var registered = services.Last(service => service.ServiceType == typeof(IGrainStorage) && Equals(service.ServiceKey, DeliveryQueueGrain.StorageName));
            services.AddKeyedSingleton<IGrainStorage>(DeliveryQueueGrain.StorageName, (provider, key) =>
                new SwitchableGrainStorage((IGrainStorage)(registered.KeyedImplementationFactory?.Invoke(provider, key) ?? registered.KeyedImplementationInstance!), this));
        });
    }

    /// <summary>While set, every write of a destination's queue fails, as an unreachable table would: nothing can be queued.</summary>
    public bool FailQueueWrites { get; set; }

    public async Task InitializeAsync()
    {
        await Receiver.StartAsync();
        _control.BaseAddress = Receiver.BaseAddress;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Receiver.DisposeAsync();
        _control.Dispose();
    }

    public string HookUrl(string hook) => new Uri(Receiver.BaseAddress, $"hooks/{hook}").ToString();

    /// <summary>Tells the receiver how hook <paramref name="hook"/> answers (and which secret it verifies with).</summary>
    public async Task ConfigureHook(string hook, string secret, int failNext = 0, bool failAlways = false, bool hang = false)
    {
        using var response = await _control.PutAsJsonAsync($"_control/hooks/{hook}", new { secret, failNext, failAlways, hang });
        response.EnsureSuccessStatusCode();
    }

    public async Task<ReceivedRequest[]> Received(string hook)
    {
        using var response = await _control.GetAsync($"_control/hooks/{hook}/received");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ReceivedRequest[]>(JsonSerializerOptions.Web))!;
    }
}

internal sealed class SwitchableGrainStorage(IGrainStorage inner, DestinationsGatewayFixture fixture) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => fixture.FailQueueWrites
        ? throw new IOException("the queues' storage is unreachable (test switch)")
        : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}

/// <summary>A request as the receiver recorded it.</summary>
public sealed record ReceivedRequest(
    string? Id, string? Timestamp, string? Signature, string? ContentType, string Body, bool Verified, int Status, DateTimeOffset ReceivedAt, Dictionary<string, string> Headers)
{
    public JsonElement CloudEvent => JsonDocument.Parse(Body).RootElement;
}

[CollectionDefinition(Name)]
public sealed class DestinationsCollection : ICollectionFixture<DestinationsGatewayFixture>
{
    public const string Name = "destinations";
}
