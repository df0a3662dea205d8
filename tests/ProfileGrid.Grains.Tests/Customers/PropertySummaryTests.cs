using System.Text;
using System.Text.Json;
using ProfileGrid.Customers;
using ProfileGrid.Events;

namespace ProfileGrid.Grains.Tests.Customers;

public sealed class PropertySummaryTests
{
    [Fact]
    public void Properties_that_fit_are_kept_as_sent()
    {
        const string properties = """{"sku":"A-1","qty":2,"tags":["x","y"]}""";

        Assert.Same(properties, PropertySummary.Of(properties));
        Assert.Null(PropertySummary.Of(null));
    }

    [Fact]
    public void Larger_properties_keep_the_leading_ones_that_fit_and_count_the_rest()
    {
        var properties = $$"""{"sku":"Å-1","note":"{{new string('n', 600)}}","qty":2,"blob":"{{new string('b', 400)}}","page":"/p"}""";

        var summary = PropertySummary.Of(properties)!;

        Assert.InRange(Encoding.UTF8.GetByteCount(summary), 1, CustomerLimits.MaxActivityPropertiesBytes);
        var json = JsonDocument.Parse(summary).RootElement;
        Assert.Equal(["sku", "qty", "blob", "page", PropertySummary.OmittedName], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Å-1", json.GetProperty("sku").GetString());
        Assert.Equal(1, json.GetProperty(PropertySummary.OmittedName).GetInt32());
    }

    [Fact]
    public void Escaped_text_is_kept_byte_for_byte()
    {
        var properties = $$"""{"quote":"say \"hi\" \u00e9","pad":"{{new string('p', 600)}}"}""";

        var summary = PropertySummary.Of(properties)!;

        Assert.Equal("""{"quote":"say \"hi\" \u00e9","…omitted":1}""", summary);
    }

    [Fact]
    public void The_activity_ring_stores_the_summary()
    {
        var log = new ActivityLog();
        var properties = $$"""{"a":1,"big":"{{new string('x', 16_000)}}"}""";

        log.Add(new CustomerEvent("e1", "page_view", DateTimeOffset.UnixEpoch, null, null, properties));

        Assert.Equal("""{"a":1,"…omitted":1}""", log.Events.Single().Properties);
    }
}
