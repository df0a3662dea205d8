using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace ProfileGrid.Gateway.Tests;

/// <summary>An agent's SignalR connection to <c>/hubs/agents</c> on a test server, recording every push.</summary>
public sealed class AgentClient : IAsyncDisposable
{
    /// <summary>
    /// How the credential travels: as <c>Authorization: Bearer</c>, in the <c>X-Api-Key</c> header, or in the
    /// <c>access_token</c> query (over long polling, or over WebSockets as a browser sends it).
    /// </summary>
    public enum KeyTransport { Bearer, Header, Query, WebSocketQuery }

    private AgentClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<JsonElement>("profileChanged", view => ProfileChanged.Writer.TryWrite((view, DateTimeOffset.UtcNow)));
        connection.On<JsonElement>("activity", message => Activity.Writer.TryWrite(message));
        connection.On<JsonElement>("viewers", message => Viewers.Writer.TryWrite(message));
        connection.On<JsonElement>("profileErased", message => Erased.Writer.TryWrite(message));
        connection.On<JsonElement>("segmentChanged", message => SegmentChanged.Writer.TryWrite(message));
    }

    public HubConnection Connection { get; }

    public Channel<(JsonElement View, DateTimeOffset ReceivedAt)> ProfileChanged { get; } = Channel.CreateUnbounded<(JsonElement, DateTimeOffset)>();

    public Channel<JsonElement> Activity { get; } = Channel.CreateUnbounded<JsonElement>();

    public Channel<JsonElement> Viewers { get; } = Channel.CreateUnbounded<JsonElement>();

    public Channel<JsonElement> Erased { get; } = Channel.CreateUnbounded<JsonElement>();

    public Channel<JsonElement> SegmentChanged { get; } = Channel.CreateUnbounded<JsonElement>();

    /// <summary>A connection, not started, sending <paramref name="credential"/> (a key or a token) as <paramref name="transport"/> says.</summary>
    public static AgentClient Create<T>(WebApplicationFactory<T> server, string? credential, KeyTransport transport = KeyTransport.Header) where T : class
    {
        var inQuery = transport is KeyTransport.Query or KeyTransport.WebSocketQuery && credential is not null;
        var url = new Uri(server.Server.BaseAddress, inQuery ? $"/hubs/agents?access_token={Uri.EscapeDataString(credential!)}" : "/hubs/agents");
        var connection = new HubConnectionBuilder()
            .WithUrl(url, options =>
            {
                options.HttpMessageHandlerFactory = _ => server.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
                if (transport == KeyTransport.WebSocketQuery)
                {
                    options.Transports = HttpTransportType.WebSockets;
                    options.WebSocketFactory = async (context, cancellationToken) =>
                        await server.Server.CreateWebSocketClient().ConnectAsync(context.Uri, cancellationToken);
                }

                if (credential is null) return;
                if (transport == KeyTransport.Bearer) options.AccessTokenProvider = () => Task.FromResult<string?>(credential);
                if (transport == KeyTransport.Header) options.Headers["X-Api-Key"] = credential;
            })
            .Build();
        return new AgentClient(connection);
    }

    /// <summary>Connects as a browser would: the key buys a token at <c>/v1/auth/token</c>, and the token is the credential.</summary>
    public static async Task<AgentClient> ConnectAsync<T>(WebApplicationFactory<T> server, string key) where T : class
    {
        var client = Create(server, await TokenFor(server, key), KeyTransport.Bearer);
        await client.Connection.StartAsync();
        return client;
    }

    public static async Task<string> TokenFor<T>(WebApplicationFactory<T> server, string key) where T : class
    {
        using var http = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/auth/token");
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    public Task<JsonElement?> Watch(string customerId) => Connection.InvokeAsync<JsonElement?>("Watch", customerId);

    public Task Unwatch(string customerId) => Connection.InvokeAsync("Unwatch", customerId);

    public Task<JsonElement> WhoAmI() => Connection.InvokeAsync<JsonElement>("WhoAmI");

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
