using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ProfileGrid.Gateway.Tests.Destinations;

/// <summary>
/// The receiver process's control routes that scripts/bench-destinations.sh relies on: receipts in brief, and a hook
/// that holds each request for a time. Requests go straight to the receiver (its hooks here have no secret, so
/// signatures are not checked).
/// </summary>
[Collection(DestinationsCollection.Name)]
public sealed class WebhookReceiverTests(DestinationsGatewayFixture gateway) : IDisposable
{
    private readonly HttpClient _receiver = new() { BaseAddress = gateway.Receiver.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => _receiver.Dispose();

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    private async Task<HttpResponseMessage> Deliver(string hook, string body) =>
        await _receiver.PostAsync($"hooks/{hook}", new StringContent(body, Encoding.UTF8, "application/cloudevents+json"));

    [Fact]
    public async Task Receipts_list_each_request_s_type_subject_answer_and_arrival_in_order()
    {
        var hook = Unique("receipts-");
        using (var settings = await _receiver.PutAsJsonAsync($"_control/hooks/{hook}", new { failNext = 1 })) Assert.Equal(HttpStatusCode.NoContent, settings.StatusCode);
        var before = DateTimeOffset.UtcNow;
        const string Entered = """{"specversion":"1.0","id":"msg_1","type":"com.profilegrid.segment.entered","subject":"c-1","data":{"customerId":"c-1"}}""";
        using (var first = await Deliver(hook, Entered)) Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        using (var second = await Deliver(hook, Entered)) Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        using (var third = await Deliver(hook, "not json")) Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        var after = DateTimeOffset.UtcNow;

        var receipts = await _receiver.GetFromJsonAsync<JsonElement[]>($"_control/hooks/{hook}/receipts", JsonSerializerOptions.Web);

        (string?, string?, int)[] expected = [("com.profilegrid.segment.entered", "c-1", 500), ("com.profilegrid.segment.entered", "c-1", 200), (null, null, 200)];
        Assert.Equal(
            expected,
            receipts!.Select(r => (r.GetProperty("type").GetString(), r.GetProperty("subject").GetString(), r.GetProperty("status").GetInt32())));
        var arrivals = receipts!.Select(r => r.GetProperty("receivedAt").GetDateTimeOffset()).ToArray();
        Assert.All(arrivals, arrived => Assert.InRange(arrived, before, after));
        Assert.Equal(arrivals.Order(), arrivals);
    }

    [Fact]
    public async Task A_hook_told_to_hang_for_a_time_answers_as_otherwise_after_it()
    {
        var hook = Unique("hang-for-");
        using (var settings = await _receiver.PutAsJsonAsync($"_control/hooks/{hook}", new { hangSeconds = 1.5, failAlways = true, failStatus = 503 }))
        {
            Assert.Equal(HttpStatusCode.NoContent, settings.StatusCode);
        }

        var clock = Stopwatch.StartNew();
        using var answer = await Deliver(hook, """{"type":"t","subject":"c-2"}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3601)]
    public async Task A_hang_time_outside_0_to_3600_seconds_is_refused_naming_the_field(double seconds)
    {
        using var answer = await _receiver.PutAsJsonAsync($"_control/hooks/{Unique("hang-bad-")}", new { hangSeconds = seconds });

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("hangSeconds", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
