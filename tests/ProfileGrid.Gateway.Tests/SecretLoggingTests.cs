using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.SignalR.Client;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>No log line, at any level, of any library, holds an API key or a token.</summary>
public sealed class SecretLoggingTests(LogCaptureGatewayFixture gateway) : IClassFixture<LogCaptureGatewayFixture>
{
    private const string UnknownKey = "not-a-configured-key-at-all";

    [Fact]
    public async Task A_whole_session_logs_no_key_and_no_token()
    {
        var customer = NewCustomerId();
        using var producer = gateway.As(ProducerKey);
        Assert.Equal(HttpStatusCode.Accepted, (await producer.PostAsync("/v1/events",
            Json($$"""{"id":"e0","type":"purchase","customerId":"{{customer}}","value":5}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.As(AdminKey).PatchAsync($"/v1/customers/{customer}/traits", Json("""{"plan":"gold"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.As(AgentKey).GetAsync($"/v1/customers/{customer}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.As(UnknownKey).GetAsync($"/v1/customers/{customer}")).StatusCode);
        var token = await AgentClient.TokenFor(gateway, AgentKey);
        var adminToken = await AgentClient.TokenFor(gateway, AdminKey);

        await using (var agent = AgentClient.Create(gateway, token, AgentClient.KeyTransport.WebSocketQuery))
        await using (var admin = AgentClient.Create(gateway, adminToken, AgentClient.KeyTransport.Bearer))
        {
            await agent.Connection.StartAsync();
            await admin.Connection.StartAsync();
            Assert.Equal(2, (await agent.Watch(customer))!.Value.GetProperty("seq").GetInt64());
            await admin.Watch(customer);
            Assert.Equal("test agent", (await agent.WhoAmI()).GetProperty("name").GetString());
            Assert.Equal(HttpStatusCode.Accepted, (await producer.PostAsync("/v1/events",
                Json($$"""{"id":"e1","type":"purchase","customerId":"{{customer}}","value":7}"""))).StatusCode);
            await AgentClient.Next(agent.ProfileChanged, pushed => pushed.View.GetProperty("seq").GetInt64() == 3);
            await AgentClient.Next(admin.Activity);
            await agent.Unwatch(customer);
        }

        using (var refused = gateway.As(null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await refused.PostAsync($"/hubs/agents/negotiate?negotiateVersion=1&access_token={AgentKey}", null)).StatusCode);
            refused.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Tampered(token));
            Assert.Equal(HttpStatusCode.Unauthorized, (await refused.PostAsync("/hubs/agents/negotiate?negotiateVersion=1", null)).StatusCode);
        }

        // A WebSocket request is logged when it ends, which the server sees a little after the client closed it.
        const string webSocketLine = "Debug ProfileGrid.Gateway.Requests: GET /hubs/agents answered 101";
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            while (!gateway.Logs.Lines.Any(line => line.StartsWith(webSocketLine, StringComparison.Ordinal))) await Task.Delay(50, timeout.Token);
        }

        var lines = gateway.Logs.Lines.ToArray();
        Assert.Contains(lines, line => line.StartsWith("Trace Microsoft.AspNetCore.SignalR", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith(webSocketLine, StringComparison.Ordinal));
        string[] secrets = [ProducerKey, AgentKey, AdminKey, UnknownKey, token, Signature(token), adminToken, Signature(adminToken), Signature(TestTokens.Tampered(token))];
        foreach (var secret in secrets)
        {
            var leak = lines.FirstOrDefault(line => line.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"a log line holds a secret: {leak}");
        }
    }

    private static string Signature(string token) => token[(token.LastIndexOf('.') + 1)..];
}
