using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using ProfileGrid.Gateway.Realtime;
using Xunit.Abstractions;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// A browser that stops reading its WebSocket must not hold up anyone else's pushes: its outbox fills, it is
/// dropped, and an agent watching the same customer sees every change on time throughout.
/// </summary>
public sealed class SlowClientTests(KestrelGatewayFixture gateway, ITestOutputHelper output) : IClassFixture<KestrelGatewayFixture>
{
    private const char RecordSeparator = '\u001e';
    private const int MaxEvents = 4000;
    private static readonly string Properties = JsonSerializer.Serialize(new { note = new string('x', 4096) });

    [Fact]
    public async Task A_connection_that_never_reads_is_dropped_while_another_agent_gets_every_seq_on_time()
    {
        var (shared, other) = (NewCustomerId(), NewCustomerId());
        using var counters = new RealtimeCounters(gateway.Services);
        using var producer = gateway.Http(ProducerKey);
        await using var agent = await Agent();
        var seen = new Dictionary<string, List<long>> { [shared] = [], [other] = [] };
        var pending = System.Threading.Channels.Channel.CreateUnbounded<JsonElement>();
        agent.On<JsonElement>("profileChanged", view => pending.Writer.TryWrite(view));
        await agent.InvokeAsync<JsonElement?>("Watch", shared);
        await agent.InvokeAsync<JsonElement?>("Watch", other);
        var posted = 0;

        async Task<double> PostAndAwaitPush()
        {
            var customer = posted % 2 == 0 ? shared : other;
            var seq = posted / 2 + 1;
            var sent = DateTimeOffset.UtcNow;
            var response = await producer.PostAsync("/v1/events", Json(
                $$"""{"id":"e{{posted}}","type":"page_view","customerId":"{{customer}}","properties":{{Properties}}}"""));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            await Next(pending, view =>
            {
                var (pushed, pushedSeq) = (view.GetProperty("customerId").GetString()!, view.GetProperty("seq").GetInt64());
                seen[pushed].Add(pushedSeq);
                return pushed == customer && pushedSeq == seq;
            });
            posted++;
            return (DateTimeOffset.UtcNow - sent).TotalMilliseconds;
        }

        var alone = new List<double>();
        while (alone.Count < 200) alone.Add(await PostAndAwaitPush());
        using var slow = await NeverReadingWatcher(shared);
        var whileStalled = new List<double>();
        while (counters.Dropped == 0 && posted < MaxEvents) whileStalled.Add(await PostAndAwaitPush());
        var afterDrop = new List<double>();
        while (afterDrop.Count < 100) afterDrop.Add(await PostAndAwaitPush());

        Assert.Equal(1, counters.Dropped);
        // Every seq of both customers, in order (a rolling refresh may repeat the current one).
        Assert.Equal(Enumerable.Range(1, (posted + 1) / 2).Select(seq => (long)seq), Distinct(seen[shared]));
        Assert.Equal(Enumerable.Range(1, posted / 2).Select(seq => (long)seq), Distinct(seen[other]));
        Assert.True(await ClosedByServer(slow), "the server did not close the connection that stopped reading");
        var report = string.Create(CultureInfo.InvariantCulture,
            $"push latency (POST sent -> profileChanged received, Kestrel, WebSockets, 4 KiB events): before the never-reading WebSocket joined " +
            $"{Summary(alone)}; while it stalled on the same customer {Summary(whileStalled)}, until it was dropped; after {Summary(afterDrop)}");
        output.WriteLine(report);
        Directory.CreateDirectory("TestResults");
        await File.WriteAllTextAsync(Path.Combine("TestResults", "slow-client.txt"), report + Environment.NewLine);
    }

    private async Task<HubConnection> Agent()
    {
        var token = await Token(AgentKey);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(gateway.BaseAddress, "/hubs/agents"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        await connection.StartAsync();
        return connection;
    }

    /// <summary>
    /// A raw WebSocket with a small receive buffer: it does the SignalR handshake, watches the customer, reads until
    /// the watch is answered, and never reads again.
    /// </summary>
    private async Task<ClientWebSocket> NeverReadingWatcher(string customerId)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var socket = new ClientWebSocket();
        var url = new Uri($"ws://127.0.0.1:{gateway.BaseAddress.Port}/hubs/agents?access_token={Uri.EscapeDataString(await Token(SecondAgentKey))}");
        await socket.ConnectAsync(url, new HttpMessageInvoker(handler), CancellationToken.None);
        await Send(socket, """{"protocol":"json","version":1}""");
        await Send(socket, $$"""{"type":1,"invocationId":"1","target":"Watch","arguments":["{{customerId}}"]}""");
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!received.ToString().Split(RecordSeparator).Any(message => message.Contains("\"type\":3", StringComparison.Ordinal) && message.Contains("\"invocationId\":\"1\"", StringComparison.Ordinal)))
        {
            var read = await socket.ReceiveAsync(buffer, timeout.Token);
            received.Append(Encoding.UTF8.GetString(buffer, 0, read.Count));
        }

        return socket;
    }

    /// <summary>Drains what the server had sent before it closed; true once the connection is over, false if it is still open after 30 s.</summary>
    private static async Task<bool> ClosedByServer(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, timeout.Token);
                if (read.MessageType == WebSocketMessageType.Close) return true;
            }
        }
        catch (WebSocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static Task Send(ClientWebSocket socket, string message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message + RecordSeparator), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    private async Task<string> Token(string key)
    {
        using var http = gateway.Http(key);
        var response = await http.PostAsync("/v1/auth/token", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static async Task<JsonElement> Next(System.Threading.Channels.Channel<JsonElement> channel, Func<JsonElement, bool> where)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var item = await channel.Reader.ReadAsync(timeout.Token);
            if (where(item)) return item;
        }
    }

    private static IEnumerable<long> Distinct(List<long> seqs) => seqs.Where((seq, i) => i == 0 || seq != seqs[i - 1]);

    private static string Summary(List<double> latencies)
    {
        if (latencies.Count == 0) return "no samples";
        var sorted = latencies.Order().ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"p50 {sorted[sorted.Count / 2]:F1} ms, p99 {sorted[Math.Min(sorted.Count - 1, sorted.Count * 99 / 100)]:F1} ms, max {sorted[^1]:F1} ms (n = {sorted.Count})");
    }
}
