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
    public const string ScopeClaim = "scope";
    public const string HubsPath = "/hubs";

    /// <summary>
    /// The producer a request writes as: its key's name, so that a rotated key (a new key with the same name) keeps
    /// the producer's event ids.
    /// </summary>
    public static string ProducerOf(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.Name) ?? throw new InvalidOperationException("The request was not authenticated by an API key.");

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey();
        if (presented is null) return Task.FromResult(AuthenticateResult.NoResult());
        if (keys.Find(presented) is not { } key) return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));

        var claims = new List<Claim>(2 + key.Scopes.Count)
        {
            new(ClaimTypes.Name, key.Name),
            new(ClaimTypes.Role, key.Role.ToString()),
        };
        foreach (var scope in key.Scopes) claims.Add(new Claim(ScopeClaim, scope));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        var detail = PresentedKey() is null
            ? $"Send an API key in the {HeaderName} header."
            : "The API key is not valid.";
        await WriteProblem("Unauthorized", detail);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var role = Context.User.FindFirstValue(ClaimTypes.Role);
        await WriteProblem("Forbidden", $"A key with the role '{role}' may not use this route.");
    }

    /// <summary>
    /// The key from <c>X-Api-Key</c>; else from <c>Authorization: Bearer</c> (what SignalR's accessTokenFactory sends);
    /// else, on the hubs only, from the <c>access_token</c> query (browsers cannot set headers on WebSockets).
    /// </summary>
    private string? PresentedKey()
    {
        var header = Request.Headers[HeaderName];
        if (header.Count == 1 && !string.IsNullOrEmpty(header[0])) return header[0];
        var authorization = Request.Headers.Authorization;
        if (authorization.Count == 1 && authorization[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return value["Bearer ".Length..].Trim() is { Length: > 0 } bearer ? bearer : null;
        if (Request.Path.StartsWithSegments(HubsPath) && Request.Query["access_token"] is { Count: 1 } token && !string.IsNullOrEmpty(token[0]))
            return token[0];
        return null;
    }

    private ValueTask WriteProblem(string title, string detail) => problems.WriteAsync(new ProblemDetailsContext
    {
        HttpContext = Context,
        ProblemDetails = { Status = Response.StatusCode, Title = title, Detail = detail },
    });
}
