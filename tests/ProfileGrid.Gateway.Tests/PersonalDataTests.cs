using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ProfileGrid.Gateway.Views;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>Identity traits are masked in the customer view, the hub's answers and its pushes unless the key has the <c>pii</c> scope.</summary>
[Collection(GatewayCollection.Name)]
public sealed class PersonalDataTests(GatewayFixture gateway)
{
    // An email and a phone of this test's own: an identifier links to one customer only, and the tests share a gateway.
    private readonly string _email = $"ann.{Guid.NewGuid():N}@example.com";
    private readonly string _phone = "+45" + Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private string Traits => $$"""{"name":"Ann Lee","email":"{{_email}}","phone":"{{_phone}}","addresses":[{"city":"Oslo"}],"plan":"gold","rating":5}""";

    [Theory]
    [InlineData("\"Ann Lee\"", "A•••")]
    [InlineData("\"ann@example.com\"", "a•••@•••")]
    [InlineData("\"+4512345678\"", "+•••")]
    [InlineData("\"Øyvind\"", "Ø•••")]
    [InlineData("\"😀 smile\"", "😀•••")]
    [InlineData("\"\"", "•••")]
    [InlineData("[{\"city\":\"Oslo\"}]", "•••")]
    [InlineData("19850412", "•••")]
    public void A_value_keeps_only_its_first_character(string json, string shown) =>
        Assert.Equal(shown, JsonSerializer.Deserialize<string>(PersonalData.Mask(new RawJson(json)).Text));

    [Theory]
    [InlineData(AgentKey, false)]
    [InlineData(AdminKey, false)]
    [InlineData(ScopedAgentKey, true)]
    public async Task The_customer_view_shows_identity_traits_only_to_keys_with_the_pii_scope(string key, bool unmasked)
    {
        var customer = await CustomerWithTraits();

        var view = await ApiAssert.Json(await gateway.As(key).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);

        AssertTraits(view["traits"]!, unmasked);
    }

    [Fact]
    public async Task The_hub_masks_its_answers_and_pushes_per_connection()
    {
        var customer = await CustomerWithTraits();
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        await using var scoped = await AgentClient.ConnectAsync(gateway, ScopedAgentKey);

        AssertTraits(Node((await agent.Watch(customer))!.Value)["traits"]!, unmasked: false);
        AssertTraits(Node((await scoped.Watch(customer))!.Value)["traits"]!, unmasked: true);
        await ApiAssert.Json(await gateway.As(ProducerKey).PatchAsync($"/v1/customers/{customer}/traits", Json("""{"plan":"platinum"}""")), HttpStatusCode.OK);

        // The first patch linked the email and the phone: their ledger entries were stored before the claims (seq 1), then the traits (seq 2).
        var masked = Node((await AgentClient.Next(agent.ProfileChanged, p => p.View.GetProperty("seq").GetInt64() == 3)).View);
        var full = Node((await AgentClient.Next(scoped.ProfileChanged, p => p.View.GetProperty("seq").GetInt64() == 3)).View);
        Assert.Equal("platinum", (string?)masked["traits"]!["descriptive"]!["plan"]);
        AssertTraits(masked["traits"]!, unmasked: false, plan: "platinum");
        AssertTraits(full["traits"]!, unmasked: true, plan: "platinum");
    }

    [Theory]
    [InlineData(AgentKey, false)]
    [InlineData(ScopedAgentKey, true)]
    public async Task Segment_reasons_show_an_identity_traits_value_only_to_keys_with_the_pii_scope(string key, bool unmasked)
    {
        var customer = await CustomerWithTraits();
        var email = unmasked ? $"\"{_email}\"" : "\"•••\"";
        var segment = $"s-{Guid.NewGuid():N}"[..24];
        await ApiAssert.Json(await gateway.As(AdminKey).PutAsync($"/v1/segments/{segment}",
            Json("""{"rule":"trait.email != \"bo@example.com\" and trait.plan == \"gold\" and not (trait.email == \"bo@example.com\" or trait.rating < 3)"}""")),
            HttpStatusCode.OK);
        string[] expected =
        [
            $"trait.email = {email}",
            "trait.plan = \"gold\"",
            $"not (trait.email == \"bo@example.com\" or trait.rating < 3): trait.email = {email}, trait.rating = 5",
        ];

        var view = await ApiAssert.Json(await gateway.As(key).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);
        var membership = await ApiAssert.Json(await gateway.As(key).GetAsync($"/v1/segments/{segment}/members/{customer}"), HttpStatusCode.OK);

        var reasons = Assert.Single(view["segments"]!.AsArray(), s => (string?)s!["name"] == segment)!["reasons"]!.AsArray();
        Assert.Equal(expected, reasons.Select(reason => (string?)reason));
        Assert.True((bool)membership["member"]!);
        Assert.Equal(expected, membership["reasons"]!.AsArray().Select(reason => (string?)reason));
    }

    private static JsonNode Node(JsonElement element) => JsonNode.Parse(element.GetRawText())!;

    private void AssertTraits(JsonNode traits, bool unmasked, string plan = "gold")
    {
        var identity = traits["identity"]!;
        Assert.Equal(unmasked ? "Ann Lee" : "A•••", (string?)identity["name"]);
        Assert.Equal(unmasked ? _email : "a•••@•••", (string?)identity["email"]);
        Assert.Equal(unmasked ? _phone : "+•••", (string?)identity["phone"]);
        Assert.Equal(unmasked ? """[{"city":"Oslo"}]""" : "\"•••\"", identity["addresses"]!.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        // Only identity traits are personal data; the others are shown to every agent.
        Assert.Equal(plan, (string?)traits["descriptive"]!["plan"]);
        Assert.Equal(5, (int)traits["qualitative"]!["rating"]!);
    }

    private async Task<string> CustomerWithTraits()
    {
        var customer = NewCustomerId();
        await ApiAssert.Json(await gateway.As(ProducerKey).PatchAsync($"/v1/customers/{customer}/traits", Json(Traits)), HttpStatusCode.OK);
        return customer;
    }
}
