using System.Net;
using System.Text.Json.Nodes;

namespace ProfileGrid.Gateway.Tests;

internal static class ApiAssert
{
    /// <summary>Asserts the status and that the body is a problem detail; returns it.</summary>
    public static async Task<JsonNode> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal((int)status, (int)problem["status"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]), "a problem must say what was wrong");
        return problem;
    }

    public static async Task<JsonNode> Json(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }
}
