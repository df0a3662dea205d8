using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace ProfileGrid.Gateway.Security;

/// <summary>
/// Where the token handler finds a token (the Bearer header, or on the hubs the <c>access_token</c> query that a
/// browser's WebSocket carries) and how it refuses one: 401/403 problem details like the API key handler's.
/// </summary>
internal sealed class AccessTokenEvents(IProblemDetailsService problems) : JwtBearerEvents
{
    public override Task MessageReceived(MessageReceivedContext context)
    {
        if (CredentialSchemes.HubToken(context.Request) is { } token) context.Token = token;
        return Task.CompletedTask;
    }

    public override async Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var response = context.Response;
        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        var detail = context.AuthenticateFailure switch
        {
            null => "Send a token from POST /v1/auth/token.",
            SecurityTokenExpiredException => "The token has expired. Exchange the API key for a new one at POST /v1/auth/token.",
            _ => "The token is not valid. Exchange an API key for one at POST /v1/auth/token; API keys go in the X-Api-Key header only.",
        };
        await Write(context.HttpContext, "Unauthorized", detail);
    }

    public override async Task Forbidden(ForbiddenContext context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await Write(context.HttpContext, "Forbidden", CredentialSchemes.ForbiddenDetail(context.HttpContext.User));
    }

    private ValueTask Write(HttpContext http, string title, string detail) => problems.WriteAsync(new ProblemDetailsContext
    {
        HttpContext = http,
        ProblemDetails = { Status = http.Response.StatusCode, Title = title, Detail = detail },
    });
}
