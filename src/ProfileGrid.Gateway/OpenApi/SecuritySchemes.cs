using Microsoft.OpenApi;
using ProfileGrid.Gateway.Security;

namespace ProfileGrid.Gateway.OpenApi;

/// <summary>The document's security schemes: how a caller presents its key, named as the gateway's handlers are.</summary>
public static class SecuritySchemes
{
    /// <summary>An API key in <c>X-Api-Key</c>: every native route.</summary>
    public const string ApiKey = ApiKeyAuthenticationHandler.SchemeName;

    /// <summary>A write key as the HTTP Basic user name (or <c>writeKey</c> in the body): the Segment-compatible routes.</summary>
    public const string WriteKey = "WriteKey";

    /// <summary>A token from <c>POST /v1/auth/token</c> as <c>Authorization: Bearer</c>: what the dashboard sends instead of its key.</summary>
    public const string HubToken = "HubToken";

    /// <summary>The schemes of the gateway's default authentication, which forwards a Bearer token to the token handler.</summary>
    public static readonly string[] KeyOrToken = [ApiKey, HubToken];

    public static void AddTo(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKey] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = "An API key; its role (producer, agent, admin) says which routes it opens.",
        };
        document.Components.SecuritySchemes[WriteKey] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "basic",
            Description = "A producer or admin key as the user name (no password), as Segment's SDKs send a write key; or as writeKey in the body.",
        };
        document.Components.SecuritySchemes[HubToken] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A 5-minute token from POST /v1/auth/token, with the role of the key it was exchanged for.",
        };
    }
}
