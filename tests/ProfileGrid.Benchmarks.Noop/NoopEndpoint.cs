using System.Text.Json;

namespace ProfileGrid.Benchmarks.Noop;

/// <summary>Reads and parses the whole body, counts its events and answers 202 as ProfileGrid does; nothing else.</summary>
internal static class NoopEndpoint
{
    public static async Task HandleAsync(HttpContext context)
    {
        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var events = document.RootElement.TryGetProperty("events", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.GetArrayLength()
            : 1;
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"accepted":{{events}},"duplicates":0,"rejected":[]}""", context.RequestAborted);
    }
}
