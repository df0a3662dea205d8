using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace ProfileGrid.Gateway.Tests;

/// <summary>An agent's SignalR connection to <c>/hubs/agents</c> on a test server, recording every push.</summary>
public sealed class AgentClient : IAsyncDisposable
{
    public enum KeyTransport { Bearer, Header, Query }

    private AgentClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<JsonElement>("profileChanged", view => ProfileChanged.Writer.TryWrite((view, DateTimeOffset.UtcNow)));
        connection.On<JsonElement>("activity", message => Activity.Writer.TryWrite(message));
        connection.On<JsonElement>("viewers", message => Viewers.Writer.TryWrite(message));
    }

    public HubConnection Connection { get; }

    public Channel<(JsonElement View, DateTimeOffset ReceivedAt)> ProfileChanged { get; } = Channel.CreateUnbounded<(JsonElement, DateTimeOffset)>();

    public Channel<JsonElement> Activity { get; } = Channel.CreateUnbounded<JsonElement>();

    public Channel<JsonElement> Viewers { get; } = Channel.CreateUnbounded<JsonElement>();

    public static AgentClient Create<T>(WebApplicationFactory<T> server, string? key, KeyTransport transport = KeyTransport.Bearer) where T : class
    {
        var url = new Uri(server.Server.BaseAddress, transport == KeyTransport.Query && key is not null ? $"/hubs/agents?access_token={key}" : "/hubs/agents");
        var connection = new HubConnectionBuilder()
            .WithUrl(url, options =>
            {
                options.HttpMessageHandlerFactory = _ => server.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
                if (key is null) return;
                if (transport == KeyTransport.Bearer) options.AccessTokenProvider = () => Task.FromResult<string?>(key);
                if (transport == KeyTransport.Header) options.Headers["X-Api-Key"] = key;
            })
            .Build();
        return new AgentClient(connection);
    }

    public static async Task<AgentClient> ConnectAsync<T>(WebApplicationFactory<T> server, string key) where T : class
    {
        var client = Create(server, key);
        await client.Connection.StartAsync();
        return client;
    }

    public Task<JsonElement?> Watch(string customerId) => Connection.InvokeAsync<JsonElement?>("Watch", customerId);

    public Task Unwatch(string customerId) => Connection.InvokeAsync("Unwatch", customerId);

    public static async Task<T> Next<T>(Channel<T> channel, Func<T, bool>? where = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var item = await channel.Reader.ReadAsync(timeout.Token);
            if (where is null || where(item)) return item;
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
