using System.Net;
using System.Net.Http.Headers;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// <c>/hubs/agents</c> × every way of presenting a credential: the negotiate request's answer and its body, and for
/// the connections let in, who <c>WhoAmI</c> says they are.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class HubRoleMatrixTests(GatewayFixture gateway)
{
    private const string NotAToken =
        "The token is not valid. Exchange an API key for one at POST /v1/auth/token; API keys go in the X-Api-Key header only.";

    public enum Credential
    {
        None, UnknownKeyHeader, ProducerKeyHeader, AgentKeyHeader, AdminKeyHeader, AgentTokenBearer, AdminTokenQuery,
        AgentKeyBearer, AgentKeyQuery, ExpiredToken, TamperedToken, ForeignToken, ProducerToken,
    }

    public static TheoryData<Credential, HttpStatusCode, string?> Matrix() => new()
    {
        { Credential.None, HttpStatusCode.Unauthorized,
            "Send a token from POST /v1/auth/token as the access_token query or an Authorization: Bearer header, or an API key in the X-Api-Key header." },
        { Credential.UnknownKeyHeader, HttpStatusCode.Unauthorized, "The API key is not valid." },
        { Credential.ProducerKeyHeader, HttpStatusCode.Forbidden, "A key with the role 'producer' may not use this route." },
        { Credential.AgentKeyHeader, HttpStatusCode.OK, null },
        { Credential.AdminKeyHeader, HttpStatusCode.OK, null },
        { Credential.AgentTokenBearer, HttpStatusCode.OK, null },
        { Credential.AdminTokenQuery, HttpStatusCode.OK, null },
        { Credential.AgentKeyBearer, HttpStatusCode.Unauthorized, NotAToken },
        { Credential.AgentKeyQuery, HttpStatusCode.Unauthorized, NotAToken },
        { Credential.ExpiredToken, HttpStatusCode.Unauthorized, "The token has expired. Exchange the API key for a new one at POST /v1/auth/token." },
        { Credential.TamperedToken, HttpStatusCode.Unauthorized, NotAToken },
        { Credential.ForeignToken, HttpStatusCode.Unauthorized, NotAToken },
        { Credential.ProducerToken, HttpStatusCode.Forbidden, "A key with the role 'producer' may not use this route." },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Negotiating_answers_each_credential_as_its_role_allows(Credential credential, HttpStatusCode expected, string? detail)
    {
        using var http = gateway.As(null);
        var query = "";
        switch (credential)
        {
            case Credential.UnknownKeyHeader: http.DefaultRequestHeaders.Add("X-Api-Key", "not-a-configured-key-at-all"); break;
            case Credential.ProducerKeyHeader: http.DefaultRequestHeaders.Add("X-Api-Key", ProducerKey); break;
            case Credential.AgentKeyHeader: http.DefaultRequestHeaders.Add("X-Api-Key", AgentKey); break;
            case Credential.AdminKeyHeader: http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey); break;
            case Credential.AgentTokenBearer: Bearer(http, await AgentClient.TokenFor(gateway, AgentKey)); break;
            case Credential.AdminTokenQuery: query = "&access_token=" + Uri.EscapeDataString(await AgentClient.TokenFor(gateway, AdminKey)); break;
            case Credential.AgentKeyBearer: Bearer(http, AgentKey); break;
            case Credential.AgentKeyQuery: query = "&access_token=" + AgentKey; break;
            case Credential.ExpiredToken: Bearer(http, TestTokens.Expired()); break;
            case Credential.TamperedToken: Bearer(http, TestTokens.Tampered(await AgentClient.TokenFor(gateway, AgentKey))); break;
            case Credential.ForeignToken:
                Bearer(http, TestTokens.Sign("test agent", "agent", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(5), new byte[32]));
                break;
            case Credential.ProducerToken: Bearer(http, TestTokens.Sign("test producer", "producer", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(5))); break;
        }

        var response = await http.PostAsync($"/hubs/agents/negotiate?negotiateVersion=1{query}", null);

        if (expected == HttpStatusCode.OK)
        {
            var body = await ApiAssert.Json(response, HttpStatusCode.OK);
            Assert.False(string.IsNullOrEmpty((string?)body["connectionToken"]));
            return;
        }

        var problem = await ApiAssert.Problem(response, expected);
        Assert.Equal(detail, (string?)problem["detail"]);
        if (expected != HttpStatusCode.Unauthorized) return;
        var scheme = credential is Credential.None or Credential.UnknownKeyHeader ? "ApiKey" : "Bearer";
        Assert.Equal(scheme, response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData(AgentKey, "test agent", "agent", new string[0])]
    [InlineData(AdminKey, "test admin", "admin", new string[0])]
    [InlineData(ScopedAgentKey, "scoped agent", "agent", new[] { "pii", "export" })]
    public async Task WhoAmI_names_the_key_behind_the_token(string key, string name, string role, string[] scopes)
    {
        await using var agent = await AgentClient.ConnectAsync(gateway, key);

        var me = await agent.WhoAmI();

        Assert.Equal(["name", "role", "scopes"], me.EnumerateObject().Select(property => property.Name));
        Assert.Equal(name, me.GetProperty("name").GetString());
        Assert.Equal(role, me.GetProperty("role").GetString());
        Assert.Equal(scopes, me.GetProperty("scopes").EnumerateArray().Select(scope => scope.GetString()));
    }

    [Fact]
    public async Task WhoAmI_answers_a_key_sent_in_the_header_the_same()
    {
        await using var agent = AgentClient.Create(gateway, ScopedAgentKey, AgentClient.KeyTransport.Header);
        await agent.Connection.StartAsync();

        var me = await agent.WhoAmI();

        Assert.Equal("scoped agent", me.GetProperty("name").GetString());
        Assert.Equal(["pii", "export"], me.GetProperty("scopes").EnumerateArray().Select(scope => scope.GetString()));
    }

    private static void Bearer(HttpClient http, string token) => http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
}
