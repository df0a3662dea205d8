using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ProfileGrid.Customers;
using ProfileGrid.Gateway.Endpoints;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.Problems;
using ProfileGrid.Gateway.Realtime;
using ProfileGrid.Gateway.Security;
using ProfileGrid.Hosting;

namespace ProfileGrid.Gateway.Hosting;

public static class GatewayHosting
{
    /// <summary>The HTTP side: API keys and roles, problem details, JSON, health checks and the ingestion services.</summary>
    public static WebApplicationBuilder AddProfileGridGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(DomainClock.Key, TimeProvider.System);
        services.AddOptions<ApiKeysOptions>().BindConfiguration(ApiKeysOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeysOptions>, ApiKeysOptionsValidator>();
        services.AddSingleton<ApiKeyStore>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddProfileGridPolicies();

        services.AddProblemDetails();
        services.AddExceptionHandler<UnavailableExceptionHandler>();
        services.AddExceptionHandler<InternalErrorHandler>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default));
        services.AddSingleton<EventDispatcher>();
        services.AddOptions<RealtimeOptions>().BindConfiguration(RealtimeOptions.Section);
        services.AddSignalR().AddJsonProtocol(json =>
        {
            json.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default);
            json.PayloadSerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddSingleton<CustomerWatchers>();
        services.AddHostedService<WatchRenewal>();
        services.AddHostedService<StartupBanner>();
        return builder;
    }

    public static WebApplication MapProfileGridGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // The dashboard's files need no key; everything they show comes through the API and hub, which do.
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthApi();
        app.MapEventsApi();
        app.MapCustomersApi();
        app.MapHub<AgentHub>("/hubs/agents");
        return app;
    }
}
