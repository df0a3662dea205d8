using System.Text.Json;
using System.Text.Json.Nodes;
using ProfileGrid.Customers;
using ProfileGrid.Gateway.Hosting;
using ProfileGrid.Gateway.Views;
using ProfileGrid.Rules;
using ProfileGrid.Segments;

namespace ProfileGrid.Gateway.Tests;

/// <summary>The segments in the customer view: reasons as the texts the API has always sent, masked on their fields, and segments that could not be evaluated.</summary>
public sealed class ProfileViewSegmentsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static Segment Segment(string name, string rule) =>
        new(new SegmentDefinition(name, rule, null, Now, "test"), RuleParser.ParseCanonical(rule));

    private static JsonNode Json(ProfileView view) => JsonNode.Parse(JsonSerializer.Serialize(view, GatewayJsonContext.Default.ProfileView))!;

    [Fact]
    public void A_segment_whose_rule_fails_on_the_profile_is_listed_as_not_evaluable_and_the_others_still_show()
    {
        // The stored 'notes' trait is not JSON, as a corrupt row would hold: reading it throws.
        var profile = new CustomerProfile("ann", 3, Now, new() { ["email"] = "\"ann@example.com\"", ["notes"] = "{not json" }, [], Now, Now, [], [], []);
        Segment[] segments = [Segment("by-email", "trait.email != \"bo@example.com\""), Segment("noted", "trait.notes != \"x\""), Segment("nobody", "orders > 1")];

        var view = ProfileView.From(profile, segments);
        // The corrupt trait itself cannot be written as JSON either; the segments can.
        var shown = view with { Traits = new TraitGroups([], [], []) };

        Assert.Equal(["noted"], view.SegmentsNotEvaluable!);
        Assert.Equal("""[{"name":"by-email","reasons":["trait.email = \u0022ann@example.com\u0022"]}]""", Json(shown)["segments"]!.ToJsonString());
        Assert.Equal("""["noted"]""", Json(shown)["segmentsNotEvaluable"]!.ToJsonString());
        Assert.Equal("""["trait.email = \u0022\u2022\u2022\u2022\u0022"]""", Json(PersonalData.Masked(view) with { Traits = shown.Traits })["segments"]![0]!["reasons"]!.ToJsonString());
    }

    [Fact]
    public void A_view_with_every_segment_evaluated_has_no_not_evaluable_field()
    {
        var profile = new CustomerProfile("ann", 3, Now, new() { ["country"] = "\"DK\"" }, [], Now, Now, [], [], []);

        var json = Json(ProfileView.From(profile, [Segment("danes", "trait.country == \"DK\"")]));

        Assert.Equal("""[{"name":"danes","reasons":["trait.country = \u0022DK\u0022"]}]""", json["segments"]!.ToJsonString());
        Assert.False(json.AsObject().ContainsKey("segmentsNotEvaluable"));
    }
}
