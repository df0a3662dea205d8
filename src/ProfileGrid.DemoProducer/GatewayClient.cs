using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProfileGrid.DemoProducer;

/// <summary>
/// Seeds profiles through the gateway's trait routes with the producer key (events go through the producer client). A 502/503/504, a timeout or a refused connection is retried with the
/// same body (so the same event ids) until it gets through: the gateway applies a retried event once.
/// </summary>
internal sealed class GatewayClient(HttpClient http, ProducerStats stats)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    public async Task<bool> PatchTraitsAsync(string customerId, object traits, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Patch, $"v1/customers/{Uri.EscapeDataString(customerId)}/traits", traits, cancellationToken);
        return response.IsSuccessStatusCode;
    }

    public async Task<bool> IdentifyAsync(object body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, "v1/identify", body, cancellationToken);
        return response.IsSuccessStatusCode;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(body, Json);
        for (var attempt = 0; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            try
            {
                using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(payload) };
                request.Content.Headers.ContentType = new("application/json");
                var response = await http.SendAsync(request, cancellationToken);
                if (!IsTransient(response.StatusCode))
                {
                    if (!response.IsSuccessStatusCode) await stats.RefusedAsync(method, path, response, cancellationToken);
                    return response;
                }

                retryAfter = response.Headers.RetryAfter?.Delta;
                stats.Retried($"{(int)response.StatusCode} {response.ReasonPhrase}");
                response.Dispose();
            }
            catch (HttpRequestException e)
            {
                stats.Retried(e.HttpRequestError.ToString());
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                stats.Retried("timeout");
            }

            await Task.Delay(retryAfter ?? Backoff(attempt), cancellationToken);
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout or HttpStatusCode.TooManyRequests;

    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(attempt, 10))));
}
