using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ProfileGrid.Gateway.Security;
using ProfileGrid.Settings;

namespace ProfileGrid.Gateway.Hosting;

public static class AuthenticationHosting
{
    /// <summary>API keys (<c>X-Api-Key</c>), the tokens they are exchanged for, and the role policies that accept both.</summary>
    public static IServiceCollection AddProfileGridAuthentication(this IServiceCollection services)
    {
        services.AddCheckedOptions<ApiKeysOptions>();
        services.AddSingleton<ApiKeyStore>();
        services.AddCheckedOptions<AccessTokenOptions>();
        services.AddSingleton<AccessTokenSigningKey>();
        services.AddSingleton<AccessTokenIssuer>();
        services.AddSingleton<AccessTokenEvents>();

        // The default scheme is the key handler itself, forwarding what is not a key request (CredentialSchemes), so
        // the common request, a key, costs one handler. The plain key scheme never forwards: the token exchange takes keys only.
        services.AddAuthentication(CredentialSchemes.Default)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(CredentialSchemes.Default, null, options => options.ForwardDefaultSelector = CredentialSchemes.Select)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, BasicKeyAuthenticationHandler>(BasicKeyAuthenticationHandler.SchemeName, null)
            .AddJwtBearer(AccessTokens.SchemeName);
        services.AddOptions<JwtBearerOptions>(AccessTokens.SchemeName).Configure<AccessTokenSigningKey>((options, signingKey) =>
        {
            options.MapInboundClaims = false;
            options.EventsType = typeof(AccessTokenEvents);
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = AccessTokens.Issuer,
                ValidAudience = AccessTokens.Audience,
                IssuerSigningKey = signingKey.Key,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                NameClaimType = AgentClaims.Name,
                RoleClaimType = AgentClaims.Role,
                ClockSkew = AccessTokens.ClockSkew,
            };
        });
        services.AddAuthorizationBuilder().AddProfileGridPolicies();
        return services;
    }
}
