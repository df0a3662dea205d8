using System.Net;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>The trace id a 500 hands the producer finds the failure in the logs: one line, with the exception.</summary>
public sealed class InternalErrorLoggingTests(LogCaptureGatewayFixture gateway) : IClassFixture<LogCaptureGatewayFixture>
{
    [Fact]
    public async Task A_500_logs_its_trace_id_as_a_field_with_the_exception_once()
    {
        var customer = PoisonedCustomerFilter.Prefix + Guid.NewGuid().ToString("N");

        var problem = await ApiAssert.Problem(await gateway.As(ProducerKey).PostAsync("/v1/events",
            Json($$"""{"id":"e1","type":"page_view","customerId":"{{customer}}"}""")), HttpStatusCode.InternalServerError);

        var traceId = (string)problem["traceId"]!;
        var logged = gateway.Logs.Lines.Where(line => line.Contains(traceId, StringComparison.Ordinal)).ToList();
        var line = Assert.Single(logged);
        Assert.StartsWith($"Error ProfileGrid.Gateway.Problems.InternalErrorHandler: POST /v1/events failed and was answered 500 under trace id {traceId} ", line, StringComparison.Ordinal);
        Assert.Contains($" TraceId={traceId}", line, StringComparison.Ordinal);
        Assert.Contains("System.OverflowException: Value was either too large or too small for an Int64 (a corrupt stored row).", line, StringComparison.Ordinal);
        Assert.DoesNotContain(customer, line, StringComparison.Ordinal);
    }
}
