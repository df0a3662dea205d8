using System.Net;
using System.Net.Http.Headers;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary><c>POST /v1/auth/token</c>: an agent or admin key buys a five-minute token carrying its name, role and scopes.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthApiTests(GatewayFixture gateway)
{
    private Task<HttpResponseMessage> Exchange(string? key) => gateway.As(key).PostAsync("/v1/auth/token", null);

    [Theory]
    [InlineData(AgentKey, "test agent", "agent", new string[0])]
    [InlineData(AdminKey, "test admin", "admin", new string[0])]
    [InlineData(ScopedAgentKey, "scoped agent", "agent", new[] { "pii", "export" })]
    public async Task An_agent_or_admin_key_buys_a_five_minute_token_with_its_name_role_and_scopes(string key, string name, string role, string[] scopes)
    {
        var before = DateTimeOffset.UtcNow;

        var response = await Exchange(key);

        var body = await ApiAssert.Json(response, HttpStatusCode.OK);
        Assert.True(response.Headers.CacheControl?.NoStore, "a token must not be cached");
        Assert.Equal(["token", "expiresAt"], body.AsObject().Select(property => property.Key));
        var token = TestTokens.Read((string)body["token"]!);
        Assert.Equal("HS256", token.Alg);
        Assert.Equal(name, token.GetClaim("name").Value);
        Assert.Equal(role, token.GetClaim("role").Value);
        Assert.Equal(scopes, token.Claims.Where(claim => claim.Type == "scope").Select(claim => claim.Value));
        var expiresAt = DateTimeOffset.Parse((string)body["expiresAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt, before.AddMinutes(5).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(5).AddSeconds(1));
        Assert.Equal(expiresAt.ToUnixTimeSeconds(), new DateTimeOffset(token.ValidTo).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_producer_key_may_not_buy_a_token()
    {
        var problem = await ApiAssert.Problem(await Exchange(ProducerKey), HttpStatusCode.Forbidden);

        Assert.Equal("A key with the role 'producer' may not use this route.", (string?)problem["detail"]);
    }

    [Theory]
    [InlineData(null, "Send an API key in the X-Api-Key header.")]
    [InlineData("not-a-configured-key-at-all", "The API key is not valid.")]
    public async Task Without_a_valid_key_the_answer_is_401(string? key, string detail)
    {
        var response = await Exchange(key);

        var problem = await ApiAssert.Problem(response, HttpStatusCode.Unauthorized);
        Assert.Equal(detail, (string?)problem["detail"]);
        Assert.Equal("ApiKey", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_token_cannot_buy_another_token()
    {
        using var http = gateway.As(null);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AgentClient.TokenFor(gateway, AgentKey));

        var problem = await ApiAssert.Problem(await http.PostAsync("/v1/auth/token", null), HttpStatusCode.Unauthorized);

        Assert.Equal("Send an API key in the X-Api-Key header.", (string?)problem["detail"]);
    }

    [Fact]
    public async Task A_token_from_one_gateway_is_accepted_by_another_with_the_same_signing_key()
    {
        await using var second = new ClientGatewayFactory(gateway.SiloGatewayPort);
        await using var agent = AgentClient.Create(second, await AgentClient.TokenFor(gateway, AgentKey), AgentClient.KeyTransport.Bearer);

        await agent.Connection.StartAsync();

        Assert.Equal("test agent", (await agent.WhoAmI()).GetProperty("name").GetString());
    }
}
