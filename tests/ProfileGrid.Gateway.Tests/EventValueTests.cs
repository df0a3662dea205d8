using System.Text.Json;
using ProfileGrid.Events;
using ProfileGrid.Gateway.Compat;
using ProfileGrid.Gateway.Ingestion;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// An event's value, as both ways in read it: a JSON number, negative for a refund; a number sent as a string (or
/// anything else that is not a number) refuses the event with the rule, never counts it with no value.
/// </summary>
public sealed class EventValueTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("-5", -5)]
    [InlineData("-0.25", -0.25)]
    [InlineData("49.5", 49.5)]
    public void A_native_value_is_a_number_and_may_be_negative(string value, decimal expected)
    {
        Assert.True(EventReader.TryRead(Native(value), 0, ReceivedAt, out var pending, out var error), error);

        Assert.Equal(expected, pending.Event.Value);
    }

    [Theory]
    [InlineData("\"49.50\"")]
    [InlineData("\"-5\"")]
    [InlineData("true")]
    [InlineData("{}")]
    [InlineData("[1]")]
    public void A_native_value_that_is_not_a_number_refuses_the_event(string value)
    {
        Assert.False(EventReader.TryRead(Native(value), 0, ReceivedAt, out _, out var error));

        Assert.Equal(EventLimits.ValueRule, error);
    }

    [Theory]
    [InlineData("""{"revenue":-5}""", -5)]
    [InlineData("""{"value":-2.5}""", -2.5)]
    [InlineData("""{"revenue":49.5,"value":3}""", 49.5)]
    [InlineData("""{"revenue":null,"value":3}""", 3)]
    public void A_segment_revenue_or_value_is_a_number_and_may_be_negative(string properties, decimal expected)
    {
        Assert.True(Read(properties, out var action, out var error), error);

        Assert.Equal(expected, Assert.IsType<EventAction>(action).Event.Event.Value);
    }

    [Theory]
    [InlineData("""{"revenue":"49.50"}""", "properties.revenue must be a JSON number such as 49.5, not a string")]
    [InlineData("""{"value":"3"}""", "properties.value must be a JSON number such as 49.5, not a string")]
    [InlineData("""{"revenue":49.5,"value":"3"}""", "properties.value must be a JSON number such as 49.5, not a string")]
    [InlineData("""{"revenue":true}""", "properties.revenue must be a JSON number such as 49.5, not true")]
    [InlineData("""{"revenue":{"amount":5}}""", "properties.revenue must be a JSON number such as 49.5, not an object")]
    [InlineData("""{"revenue":1e400}""", "properties.revenue: " + EventLimits.ValueRule)]
    [InlineData("""{"value":-1e16}""", "properties.value: " + EventLimits.ValueRule)]
    public void A_segment_revenue_or_value_that_is_not_a_number_in_range_refuses_the_message(string properties, string expected)
    {
        Assert.False(Read(properties, out _, out var error));

        Assert.Equal(expected, error);
    }

    private static JsonElement Native(string value) =>
        JsonElement.Parse($$"""{"id":"r1","type":"refund","customerId":"c-1","value":{{value}}}""");

    private static bool Read(string properties, out SegmentAction? action, out string error)
    {
        var message = JsonElement.Parse($$"""{"userId":"c-1","messageId":"m1","event":"Order Refunded","properties":{{properties}}}""");
        return SegmentMessages.TryRead(new SegmentMessage(0, "track", message), null, ReceivedAt, out action, out _, out error);
    }
}
