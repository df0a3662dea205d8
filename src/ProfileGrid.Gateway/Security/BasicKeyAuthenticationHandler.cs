using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ProfileGrid.Gateway.Security;

/// <summary>
/// Authenticates a browser by HTTP Basic with an API key as the password (the user name is not used): the Orleans
/// dashboard and the API reference are pages and calls made by a browser, which cannot add an <c>X-Api-Key</c> header
/// but asks for Basic credentials once and sends them with every request. Only their routes take this scheme (see
/// <see cref="CredentialSchemes"/>); in Azure the gateway is reached over HTTPS only.
/// </summary>
public sealed class BasicKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Basic";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, SchemeName, StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.NoResult());
        if (PasswordOf(header.Parameter) is not { } presented) return Task.FromResult(AuthenticateResult.Fail("Malformed Basic credentials."));
        if (keys.Find(presented, Context) is not { } key) return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(key.Principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"ProfileGrid operations\", charset=\"UTF-8\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = Response.StatusCode,
                Title = "Unauthorized",
                Detail = $"Sign in with an admin API key as the password (any user name), or send it in the {ApiKeyAuthenticationHandler.HeaderName} header.",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = Response.StatusCode, Title = "Forbidden", Detail = CredentialSchemes.ForbiddenDetail(Context.User) },
        });
    }

    /// <summary>The password of <c>base64(user:password)</c>, or null when it is not that.</summary>
    internal static string? PasswordOf(string? parameter)
    {
        if (string.IsNullOrEmpty(parameter) || parameter.Length > 1024) return null;
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(parameter.Length)];
        if (!Convert.TryFromBase64String(parameter, bytes, out var length)) return null;
        var text = Encoding.UTF8.GetString(bytes, 0, length);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 || colon == text.Length - 1 ? null : text[(colon + 1)..];
    }
}
