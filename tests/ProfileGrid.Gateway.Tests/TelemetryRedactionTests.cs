using System.Diagnostics;
using ProfileGrid.Hosting;

namespace ProfileGrid.Gateway.Tests;

/// <summary>What the exporters receive of a span whose tags could name a customer: routes and grain types, never the id.</summary>
public sealed class TelemetryRedactionTests
{
    private readonly TelemetryRedaction _redaction = new();

    [Fact]
    public void A_request_path_becomes_its_route_and_the_query_and_full_url_are_dropped()
    {
        using var span = Span(("url.path", "/v1/customers/email:ann@example.com"), ("http.route", "/v1/customers/{id}"),
            ("url.query", "?email=ann@example.com"), ("url.full", "https://acct.table.core.windows.net/ProfileGridJournals(PartitionKey='p7',RowKey='ann')"),
            ("http.request.method", "GET"));

        _redaction.OnEnd(span);

        Assert.Equal([("url.path", "/v1/customers/{id}"), ("http.route", "/v1/customers/{id}"), ("http.request.method", "GET")], Tags(span));
    }

    [Fact]
    public void A_path_no_route_matched_is_dropped()
    {
        using var span = Span(("url.path", "/v1/custmers/ann"), ("http.response.status_code", 404));

        _redaction.OnEnd(span);

        Assert.Equal([("http.response.status_code", (object)404)], Tags(span));
    }

    [Fact]
    public void A_grain_id_keeps_only_its_grain_type()
    {
        using var span = Span(("orleans.rpc.target_id", "identity/email:ann@example.com"), ("orleans.rpc.source_id", "customer/anon:7f3c"),
            ("orleans.grain.id", "customer/ann"), ("rpc.method", "ICustomerGrain/ApplyEvents"));

        _redaction.OnEnd(span);

        Assert.Equal([("orleans.rpc.target_id", "identity"), ("orleans.rpc.source_id", "customer"), ("orleans.grain.id", "customer"),
            ("rpc.method", "ICustomerGrain/ApplyEvents")], Tags(span));
    }

    [Fact]
    public void An_exceptions_message_and_the_error_description_are_dropped_and_the_error_stays()
    {
        using var span = Span(("exception.type", "System.InvalidOperationException"), ("exception.message", "Customer 'anon:7f3c' was merged into 'ann'"));
        span.SetStatus(ActivityStatusCode.Error, "Customer 'anon:7f3c' was merged into 'ann'");

        _redaction.OnEnd(span);

        Assert.Equal([("exception.type", (object)"System.InvalidOperationException")], Tags(span));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Null(span.StatusDescription);
    }

    private static Activity Span(params (string Key, object Value)[] tags)
    {
        var span = new Activity("test");
        foreach (var (key, value) in tags) span.SetTag(key, value);
        return span;
    }

    private static List<(string, object?)> Tags(Activity span) => [.. span.TagObjects.Select(tag => (tag.Key, tag.Value))];
}
