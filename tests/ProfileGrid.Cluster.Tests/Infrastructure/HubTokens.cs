using System.Net.Http.Json;
using System.Text.Json;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

internal static class HubTokens
{
    /// <summary>A fresh hub token for every (re)connect: the key (the client's X-Api-Key header) exchanged at the gateway.</summary>
    public static async Task<string?> FetchAsync(HttpClient http)
    {
        using var response = await http.PostAsync(new Uri("/v1/auth/token", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
    }
}
