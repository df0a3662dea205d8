using System.Net;
using ProfileGrid.Identity;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>Finding a customer by an identifier its traits hold: <c>GET /v1/customers/email:…</c> and <c>?email=…</c>.</summary>
[Collection(GatewayCollection.Name)]
public sealed class IdentityLookupTests(GatewayFixture gateway)
{
    private static string NewEmail() => $"Ann.{Guid.NewGuid():N}@Example.COM";

    private async Task SetTraits(string customer, string json) =>
        await ApiAssert.Json(await gateway.As(ProducerKey).PatchAsync($"/v1/customers/{customer}/traits", Json(json)), HttpStatusCode.OK);

    private async Task<string?> Found(string path)
    {
        var response = await gateway.As(AgentKey).GetAsync(path);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        return (string?)(await ApiAssert.Json(response, HttpStatusCode.OK))["customerId"];
    }

    [Fact]
    public async Task A_customer_is_found_by_email_and_phone_however_they_are_written()
    {
        var customer = NewCustomerId();
        var email = NewEmail();
        var phone = "+45 " + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SetTraits(customer, $$"""{"email":"{{email}}","phone":"{{phone}}"}""");
        var digits = phone.Replace(" ", "", StringComparison.Ordinal);

        Assert.Equal(customer, await Found($"/v1/customers/email:{email.ToLowerInvariant()}"));
        Assert.Equal(customer, await Found($"/v1/customers?email={Uri.EscapeDataString("  " + email.ToUpperInvariant())}"));
        Assert.Equal(customer, await Found($"/v1/customers?phone={Uri.EscapeDataString(digits)}"));
        Assert.Equal(customer, await Found($"/v1/customers/phone:{Uri.EscapeDataString(digits[..5] + "-" + digits[5..])}"));
        Assert.Null(await Found($"/v1/customers?email={Uri.EscapeDataString(NewEmail())}"));
    }

    [Theory]
    [InlineData("/v1/customers/email:not-an-address")]
    [InlineData("/v1/customers/phone:12345")]
    [InlineData("/v1/customers?email=a@b&phone=%2B4512345678")]
    [InlineData("/v1/customers?name=Ann")]
    [InlineData("/v1/customers")]
    public async Task A_malformed_lookup_is_a_400(string path) =>
        await ApiAssert.Problem(await gateway.As(AgentKey).GetAsync(path), HttpStatusCode.BadRequest);

    [Fact]
    public async Task The_first_customer_keeps_an_identifier_until_it_is_erased_and_another_setting_it_is_a_409_that_changes_nothing()
    {
        var (first, second, third) = (NewCustomerId(), NewCustomerId(), NewCustomerId());
        var email = NewEmail();
        await SetTraits(first, $$"""{"email":"{{email}}"}""");
        var refused = await ApiAssert.Problem(await gateway.As(ProducerKey).PatchAsync($"/v1/customers/{second}/traits",
            Json($$"""{"email":"{{email}}","plan":"gold"}""")), HttpStatusCode.Conflict);

        Assert.Contains($"email:{email.ToLowerInvariant()}", (string?)refused["detail"], StringComparison.Ordinal);
        await ApiAssert.Problem(await gateway.As(AgentKey).GetAsync($"/v1/customers/{second}"), HttpStatusCode.NotFound);
        Assert.Equal(first, await Found($"/v1/customers?email={Uri.EscapeDataString(email)}"));
        Assert.Equal(HttpStatusCode.NoContent, (await gateway.As(AdminKey).DeleteAsync($"/v1/customers/{first}")).StatusCode);
        Assert.Null(await Found($"/v1/customers?email={Uri.EscapeDataString(email)}"));
        await SetTraits(third, $$"""{"email":"{{email}}"}""");
        Assert.Equal(third, await Found($"/v1/customers?email={Uri.EscapeDataString(email)}"));
    }

    [Fact]
    public async Task Producers_cannot_look_customers_up() =>
        await ApiAssert.Problem(await gateway.As(ProducerKey).GetAsync("/v1/customers?email=a@example.com"), HttpStatusCode.Forbidden);

    [Theory]
    [InlineData("email:  Ann@Example.COM ", "email:ann@example.com")]
    [InlineData("phone:+45 12-34.56 (78)", "phone:+4512345678")]
    [InlineData("anon:7f3c-AB_9", "anon:7f3c-AB_9")]
    [InlineData("device:iPhone.12", "device:iPhone.12")]
    [InlineData("account:981", "account:981")]
    public void Identifiers_are_normalized(string text, string key)
    {
        Assert.True(Identifier.TryParse(text, out var identifier, out var error), error);
        Assert.Equal(key, identifier.Key);
    }

    [Theory]
    [InlineData("ann@example.com", "an identifier is type:value")]
    [InlineData("fax:+4512345678", "unknown identifier type 'fax'")]
    [InlineData("email:a@b@c", "one address")]
    // Orleans' grain storage keys turn # and ? into _: a#b would share the row of a_b.
    [InlineData("email:a#b@example.com", "one address")]
    [InlineData("email:a?b@example.com", "one address")]
    [InlineData("phone:4512345678", "international number")]
    [InlineData("device:", "device identifiers are 1 to 128 printable ASCII characters")]
    [InlineData("anon:a b", "anon identifiers are 1 to 128")]
    [InlineData("account:a/b", "without spaces or / \\ # ? % :")]
    public void A_malformed_identifier_says_why(string text, string reason)
    {
        Assert.False(Identifier.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
