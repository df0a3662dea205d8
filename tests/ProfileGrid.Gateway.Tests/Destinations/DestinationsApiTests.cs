using System.Net;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests.Destinations;

[Collection(DestinationsCollection.Name)]
public sealed class DestinationsApiTests(DestinationsGatewayFixture gateway)
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static string NewName() => $"d-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task A_definition_without_a_secret_gets_one_shown_once_then_masked()
    {
        var name = NewName();
        var admin = gateway.As(AdminKey);
        var defined = await ApiAssert.Json(await admin.PutAsync($"/v1/destinations/{name}", Json("""
            {"url":"https://hooks.example.com/pg","headers":{"Authorization":"Bearer s3cret"},"filter":{"segments":["vip"],"events":["purchase"],"traits":true},"purposes":["marketing"]}
            """)), HttpStatusCode.OK);
        var secret = defined["secret"]!.GetValue<string>();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.True(ProfileGrid.Destinations.WebhookSecret.TryDecode(secret, out var key) && key.Length == 32);

        var read = await ApiAssert.Json(await admin.GetAsync($"/v1/destinations/{name}"), HttpStatusCode.OK);
        Assert.Equal(secret[..10] + "…", read["secret"]!.GetValue<string>());
        Assert.Equal("•••", read["headers"]!["Authorization"]!.GetValue<string>());
        Assert.Equal("https://hooks.example.com/pg", read["url"]!.GetValue<string>());
        Assert.Equal("""["vip"]""", read["filter"]!["segments"]!.ToJsonString());
        Assert.Equal("""["purchase"]""", read["filter"]!["events"]!.ToJsonString());
        Assert.True(read["filter"]!["traits"]!.GetValue<bool>());
        Assert.False(read["filter"]!["consent"]!.GetValue<bool>());
        Assert.Equal("""["marketing"]""", read["purposes"]!.ToJsonString());
        Assert.Equal("test admin", read["definedBy"]!.GetValue<string>());

        var list = await ApiAssert.Json(await admin.GetAsync("/v1/destinations"), HttpStatusCode.OK);
        var listed = Assert.Single(list["destinations"]!.AsArray(), destination => destination!["name"]!.GetValue<string>() == name);
        Assert.Equal(secret[..10] + "…", listed!["secret"]!.GetValue<string>());
        Assert.DoesNotContain(secret, list.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_given_secret_is_kept_and_never_answered_in_full()
    {
        var name = NewName();
        var defined = await ApiAssert.Json(await gateway.As(AdminKey).PutAsync($"/v1/destinations/{name}",
            Json($$$"""{"url":"http://127.0.0.1:9/x","secret":"{{{Secret}}}","filter":{"consent":true}}""")), HttpStatusCode.OK);
        Assert.Equal("whsec_MfKQ…", defined["secret"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"filter":{"traits":true}}""", "url")]
    [InlineData("""{"url":"http://hooks.example.com/pg","filter":{"traits":true}}""", "url")]
    [InlineData("""{"url":"https://user:pw@hooks.example.com/pg","filter":{"traits":true}}""", "url")]
    [InlineData("""{"url":"https://169.254.169.254/metadata","filter":{"traits":true}}""", "url")]
    [InlineData("""{"url":"https://[fe80::1]/pg","filter":{"traits":true}}""", "url")]
    [InlineData("""{"url":"https://168.63.129.16/pg","filter":{"traits":true}}""", "url")]
    [InlineData("""{"url":"https://0.0.0.0/pg","filter":{"traits":true}}""", "url")]
    [InlineData("""{"url":"https://hooks.example.com/pg","secret":"not-a-secret","filter":{"traits":true}}""", "secret")]
    [InlineData("""{"url":"https://hooks.example.com/pg","secret":"whsec_c2hvcnQ=","filter":{"traits":true}}""", "secret")]
    [InlineData("""{"url":"https://hooks.example.com/pg"}""", "filter")]
    [InlineData("""{"url":"https://hooks.example.com/pg","filter":{}}""", "filter")]
    [InlineData("""{"url":"https://hooks.example.com/pg","filter":{"segments":["Not A Name"]}}""", "filter.segments")]
    [InlineData("""{"url":"https://hooks.example.com/pg","filter":{"segments":"vip"}}""", "filter.segments")]
    [InlineData("""{"url":"https://hooks.example.com/pg","filter":{"events":["Purchase!"]}}""", "filter.events")]
    [InlineData("""{"url":"https://hooks.example.com/pg","filter":{"traits":"yes"}}""", "filter.traits")]
    [InlineData("""{"url":"https://hooks.example.com/pg","filter":{"traits":true,"segmnts":["vip"]}}""", "filter.segmnts")]
    [InlineData("""{"url":"https://hooks.example.com/pg","filter":{"traits":true},"headers":{"webhook-id":"x"}}""", "headers")]
    [InlineData("""{"url":"https://hooks.example.com/pg","filter":{"traits":true},"headers":{"X-Token":1}}""", "headers")]
    [InlineData("""{"url":"https://hooks.example.com/pg","filter":{"traits":true},"headers":{"Bad Name":"1"}}""", "headers")]
    [InlineData("""{"url":"https://hooks.example.com/pg","filter":{"traits":true},"purposes":[""]}""", "purposes")]
    [InlineData("""{"url":"https://hooks.example.com/pg","filter":{"traits":true},"colour":"red"}""", "colour")]
    [InlineData("""{"url":"https://hooks.example.com/pg","filter":{"events":["cart_abandon"],"when":"cart_add.1h >="}}""", "filter.when")]
    [InlineData("""{"url":"https://hooks.example.com/pg","filter":{"events":["cart_abandon"],"when":""}}""", "filter.when")]
    [InlineData("""{"url":"https://hooks.example.com/pg","filter":{"events":["cart_abandon"],"when":1}}""", "filter.when")]
    [InlineData("""{"url":"https://hooks.example.com/pg","filter":{"traits":true,"when":"cart_add.1h >= 1"}}""", "filter.when")]
    public async Task A_bad_definition_is_a_problem_naming_the_field_and_stores_nothing(string body, string field)
    {
        var name = NewName();
        var problem = await ApiAssert.Problem(await gateway.As(AdminKey).PutAsync($"/v1/destinations/{name}", Json(body)), HttpStatusCode.BadRequest);
        Assert.Equal(field, problem["field"]!.GetValue<string>());
        await ApiAssert.Problem(await gateway.As(AdminKey).GetAsync($"/v1/destinations/{name}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_rule_that_does_not_read_is_answered_with_the_parser_s_reason_and_one_that_reads_is_kept()
    {
        var (name, admin) = (NewName(), gateway.As(AdminKey));
        Assert.False(ProfileGrid.Rules.RuleParser.TryParse("cart_add.1h >= 1 and", out _, out var error));
        var problem = await ApiAssert.Problem(await admin.PutAsync($"/v1/destinations/{name}",
            Json("""{"url":"https://hooks.example.com/pg","filter":{"events":["cart_abandon"],"when":"cart_add.1h >= 1 and"}}""")), HttpStatusCode.BadRequest);
        Assert.Equal("filter.when", problem["field"]!.GetValue<string>());
        Assert.Contains(error!.ToString(), problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await ApiAssert.Problem(await admin.GetAsync($"/v1/destinations/{name}"), HttpStatusCode.NotFound);

        await ApiAssert.Json(await admin.PutAsync($"/v1/destinations/{name}",
            Json("""{"url":"https://hooks.example.com/pg","filter":{"events":["cart_abandon"],"when":"cart_add.1h >= 1"}}""")), HttpStatusCode.OK);
        var read = await ApiAssert.Json(await admin.GetAsync($"/v1/destinations/{name}"), HttpStatusCode.OK);
        Assert.Equal("cart_add.1h >= 1", read["filter"]!["when"]!.GetValue<string>());
        await admin.DeleteAsync($"/v1/destinations/{name}");
    }

    [Fact]
    public async Task A_bad_name_or_a_body_that_is_not_json_is_refused()
    {
        var problem = await ApiAssert.Problem(await gateway.As(AdminKey).PutAsync("/v1/destinations/Bad%20Name", Json("""{"url":"https://a.example/","filter":{"traits":true}}""")), HttpStatusCode.BadRequest);
        Assert.Equal("name", problem["field"]!.GetValue<string>());
        await ApiAssert.Problem(await gateway.As(AdminKey).PutAsync($"/v1/destinations/{NewName()}", Json("{not json")), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_redefinition_replaces_and_a_removal_forgets()
    {
        var name = NewName();
        var admin = gateway.As(AdminKey);
        await ApiAssert.Json(await admin.PutAsync($"/v1/destinations/{name}", Json("""{"url":"https://a.example/1","filter":{"traits":true}}""")), HttpStatusCode.OK);
        await ApiAssert.Json(await admin.PutAsync($"/v1/destinations/{name}", Json("""{"url":"https://a.example/2","filter":{"consent":true}}""")), HttpStatusCode.OK);
        var read = await ApiAssert.Json(await admin.GetAsync($"/v1/destinations/{name}"), HttpStatusCode.OK);
        Assert.Equal("https://a.example/2", read["url"]!.GetValue<string>());
        Assert.False(read["filter"]!["traits"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/destinations/{name}")).StatusCode);
        await ApiAssert.Problem(await admin.GetAsync($"/v1/destinations/{name}"), HttpStatusCode.NotFound);
        await ApiAssert.Problem(await admin.DeleteAsync($"/v1/destinations/{name}"), HttpStatusCode.NotFound);
        await ApiAssert.Problem(await admin.GetAsync($"/v1/destinations/{name}/dead-letters"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(ProducerKey, HttpStatusCode.Forbidden)]
    [InlineData(AgentKey, HttpStatusCode.Forbidden)]
    [InlineData(ScopedAgentKey, HttpStatusCode.Forbidden)]
    public async Task Only_admin_keys_reach_destinations(string? key, HttpStatusCode expected)
    {
        var name = NewName();
        var client = gateway.As(key);
        Assert.Equal(expected, (await client.PutAsync($"/v1/destinations/{name}", Json("""{"url":"https://a.example/","filter":{"traits":true}}"""))).StatusCode);
        Assert.Equal(expected, (await client.GetAsync("/v1/destinations")).StatusCode);
        Assert.Equal(expected, (await client.GetAsync($"/v1/destinations/{name}")).StatusCode);
        Assert.Equal(expected, (await client.DeleteAsync($"/v1/destinations/{name}")).StatusCode);
        Assert.Equal(expected, (await client.GetAsync($"/v1/destinations/{name}/dead-letters")).StatusCode);
        Assert.Equal(expected, (await client.PostAsync($"/v1/destinations/{name}/dead-letters/redeliver", null)).StatusCode);
        Assert.Equal(expected, (await client.GetAsync($"/v1/destinations/{name}/status")).StatusCode);
        await ApiAssert.Problem(await gateway.As(AdminKey).GetAsync($"/v1/destinations/{name}"), HttpStatusCode.NotFound);
    }
}
