using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ProfileGrid.Gateway.Security;

/// <summary>Authenticates a request by its <c>X-Api-Key</c> header and answers 401/403 as problem details.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    /// <summary>
    /// The producer a request writes as: its key's name, so that a rotated key (a new key with the same name) keeps
    /// the producer's event ids.
    /// </summary>
    public static string ProducerOf(ClaimsPrincipal user) =>
        user.FindFirstValue(AgentClaims.Name) ?? throw new InvalidOperationException("The request carries no authenticated name.");

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request);
        if (presented is null) return Task.FromResult(AuthenticateResult.NoResult());
        if (keys.Find(presented, Context) is not { } key) return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(key.Principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        var detail = PresentedKey(Request) is not null ? "The API key is not valid."
            : Request.Path.StartsWithSegments(CredentialSchemes.HubsPath)
                ? $"Send a token from POST /v1/auth/token as the access_token query or an Authorization: Bearer header, or an API key in the {HeaderName} header."
                : $"Send an API key in the {HeaderName} header.";
        await WriteProblem("Unauthorized", detail);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteProblem("Forbidden", CredentialSchemes.ForbiddenDetail(Context.User));
    }

    /// <summary>The key from <c>X-Api-Key</c>, the only place a key is taken from (never a URL, never a Bearer header).</summary>
    internal static string? PresentedKey(HttpRequest request) =>
        request.Headers[HeaderName] is { Count: 1 } header && !string.IsNullOrEmpty(header[0]) ? header[0] : null;

    private ValueTask WriteProblem(string title, string detail) => problems.WriteAsync(new ProblemDetailsContext
    {
        HttpContext = Context,
        ProblemDetails = { Status = Response.StatusCode, Title = title, Detail = detail },
    });
}
