using System.Security.Claims;

namespace ProfileGrid.Gateway.Security;

/// <summary>
/// The default scheme: the API key handler, which looks at what the request presents and forwards what is not a
/// key to the handler for it, so each request is authenticated, challenged and forbidden by exactly one handler. An
/// <c>X-Api-Key</c> header stays with the key handler; a Bearer header, or on the hubs an <c>access_token</c>
/// query, goes to the token handler; a request with neither is challenged for an API key. On the Orleans
/// dashboard's routes and the API reference's, a request without a key header is a browser's: HTTP Basic
/// authenticates and challenges it, so the browser asks for the key.
/// </summary>
public static class CredentialSchemes
{
    public const string Default = "ApiKeyOrToken";
    public const string HubsPath = "/hubs";
    public const string AccessTokenQuery = "access_token";
    public const string OrleansDashboardPath = "/orleans";
    public const string ApiReferencePath = "/docs";

    /// <summary>The scheme for the request: <see cref="Default"/> (the key handler itself) or the one it forwards to.</summary>
    public static string Select(HttpContext context)
    {
        var request = context.Request;
        if (ApiKeyAuthenticationHandler.PresentedKey(request) is not null) return Default;
        if (request.Path.StartsWithSegments(OrleansDashboardPath) || request.Path.StartsWithSegments(ApiReferencePath))
            return BasicKeyAuthenticationHandler.SchemeName;
        if (request.Headers.Authorization is { Count: 1 } authorization
            && authorization[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AccessTokens.SchemeName;
        if (HubToken(request) is not null) return AccessTokens.SchemeName;
        return Default;
    }

    /// <summary>The token a browser's WebSocket or server-sent events request carries in the URL (it cannot set headers).</summary>
    public static string? HubToken(HttpRequest request) =>
        request.Path.StartsWithSegments(HubsPath) && request.Query[AccessTokenQuery] is { Count: 1 } token && !string.IsNullOrEmpty(token[0])
            ? token[0]
            : null;

    public static string ForbiddenDetail(ClaimsPrincipal user) =>
        $"A key with the role '{user.FindFirstValue(AgentClaims.Role)}' may not use this route.";
}
