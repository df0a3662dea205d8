using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// 202 with an <see cref="EventsResponse"/>, serialized with the gateway's JSON options into a buffer and written
/// with its length: the answer to every <c>POST /v1/events</c>, so it skips what a general result does per request
/// (finding the options and a logger, an asynchronous write, a chunked body).
/// </summary>
internal sealed class EventsAnswer(EventsResponse response, JsonTypeInfo<EventsResponse> typeInfo) : IResult
{
    /// <summary>The type info for answers, from the options the gateway configured for JSON over HTTP.</summary>
    public static JsonTypeInfo<EventsResponse> TypeInfo(IServiceProvider services) =>
        (JsonTypeInfo<EventsResponse>)services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions.GetTypeInfo(typeof(EventsResponse));

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(response, typeInfo);
        var answer = httpContext.Response;
        answer.StatusCode = StatusCodes.Status202Accepted;
        answer.ContentType = "application/json; charset=utf-8";
        answer.ContentLength = body.Length;
        answer.BodyWriter.Write(body);
        return Task.CompletedTask;
    }
}
