using System.Globalization;
using System.Net;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>Consent per purpose, each recorded with when it last changed, by which producer and from where.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ConsentTests(GatewayFixture gateway)
{
    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(ProducerKey, HttpStatusCode.OK)]
    [InlineData(AgentKey, HttpStatusCode.Forbidden)]
    [InlineData(AdminKey, HttpStatusCode.OK)]
    public async Task Producers_and_admins_set_consent(string? key, HttpStatusCode expected)
    {
        var customer = NewCustomerId();

        var response = await gateway.As(key).PostAsync($"/v1/customers/{customer}/consent", Json("""{"consent":{"email_marketing":true}}"""));

        if (expected == HttpStatusCode.OK) await ApiAssert.Json(response, expected);
        else await ApiAssert.Problem(response, expected);
    }

    [Fact]
    public async Task Each_purpose_shows_when_it_changed_by_whom_and_from_where()
    {
        var customer = NewCustomerId();
        var before = DateTimeOffset.UtcNow;

        var set = await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync($"/v1/customers/{customer}/consent",
            Json("""{"consent":{"email_marketing":true,"sms":false},"source":"preference-center"}""")), HttpStatusCode.OK);
        var first = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);
        await ApiAssert.Json(await gateway.As(SecondProducerKey).PostAsync("/v1/identify",
            Json($$$"""{"customerId":"{{{customer}}}","consent":{"sms":true,"email_marketing":true}}""")), HttpStatusCode.OK);
        var second = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);

        Assert.Equal("""["email_marketing","sms"]""", set["changed"]!["consent"]!.ToJsonString());
        Assert.Equal("""{"email_marketing":true,"sms":false}""", first["consent"]!.ToJsonString());
        var email = first["consentDetails"]!["email_marketing"]!;
        Assert.True((bool)email["granted"]!);
        Assert.Equal("test producer", (string?)email["by"]);
        Assert.Equal("preference-center", (string?)email["source"]);
        Assert.InRange(DateTimeOffset.Parse((string)email["at"]!, CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow);
        // Only what changed is recorded again: sms by the second producer, with no source; email_marketing as it was.
        Assert.Equal("""{"email_marketing":true,"sms":true}""", second["consent"]!.ToJsonString());
        Assert.Equal("second producer", (string?)second["consentDetails"]!["sms"]!["by"]);
        Assert.Null(second["consentDetails"]!["sms"]!["source"]);
        Assert.Equal(email.ToJsonString(), second["consentDetails"]!["email_marketing"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"source":"x"}""")]
    [InlineData("""{"consent":{}}""")]
    [InlineData("""{"consent":{"sms":"yes"}}""")]
    [InlineData("""{"consent":{"sms":true},"source":""}""")]
    [InlineData("""{"consent":{"sms":true},"source":7}""")]
    public async Task A_bad_consent_body_is_a_400_and_changes_nothing(string body)
    {
        var customer = NewCustomerId();

        await ApiAssert.Problem(await gateway.As(ProducerKey).PostAsync($"/v1/customers/{customer}/consent", Json(body)), HttpStatusCode.BadRequest);

        await ApiAssert.Problem(await gateway.As(AgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.NotFound);
    }
}
