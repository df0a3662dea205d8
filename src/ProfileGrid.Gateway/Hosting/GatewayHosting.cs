using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using ProfileGrid.Customers;
using ProfileGrid.Gateway.Compat;
using ProfileGrid.Destinations;
using ProfileGrid.Gateway.Endpoints;
using ProfileGrid.Gateway.Importing;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.OpenApi;
using ProfileGrid.Settings;
using ProfileGrid.Gateway.Problems;
using ProfileGrid.Gateway.Realtime;
using ProfileGrid.Gateway.Security;
using ProfileGrid.Segments;
using ProfileGrid.Hosting;

namespace ProfileGrid.Gateway.Hosting;

public static class GatewayHosting
{
    /// <summary>The HTTP side: API keys, tokens and roles, problem details, JSON, the ingestion services and the hub's.</summary>
    public static WebApplicationBuilder AddProfileGridGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(DomainClock.Key, TimeProvider.System);
        services.AddProfileGridAuthentication();
        builder.Logging.AddProfileGridSecretSafety();

        services.AddProblemDetails();
        services.AddProfileGridApiDescription();
        services.AddExceptionHandler<UnavailableExceptionHandler>();
        services.AddExceptionHandler<InternalErrorHandler>();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default);
            // Numbers are written as numbers; bodies are read by hand (JsonBody), where a number in a string is refused.
            // Strict (not the web default, which would read one) makes the API document say so too.
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.AddSingleton<CustomerGrains>();
        services.AddSegments();
        services.AddDestinationCatalog();
        services.AddSingleton<CustomerIdentities>();
        services.AddSingleton<Identification>();
        services.AddSingleton<SegmentIngestion>();
        services.AddCors(cors => cors.AddPolicy(SegmentApi.CorsPolicy, SegmentApi.ConfigureCors));
        services.AddSingleton<CustomerCalls>();
        services.AddSingleton<EventDispatcher>();
        services.AddSingleton(_ => new LiveTraffic(TimeProvider.System));
        services.AddCheckedOptions<BulkAdmissionOptions>();
        // The probe measures the thread pool in real time, whatever clock the domain runs on.
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<BulkAdmission>(provider, TimeProvider.System));
        services.AddHostedService<QueueDelayProbe>();
        services.AddSingleton<IngestionMetrics>();
        services.AddImports();
        services.AddCheckedOptions<RealtimeOptions>();
        services.AddSingleton<TokenExpiryFilter>();
        services.AddSignalR(hub => hub.AddFilter<TokenExpiryFilter>()).AddJsonProtocol(json =>
        {
            json.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default);
            json.PayloadSerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddSingleton<RealtimeMetrics>();
        services.AddSingleton<CustomerSubscriptions>();
        services.AddSingleton<ConnectionWatches>();
        services.AddSingleton<ConnectionOutboxes>();
        services.AddSingleton<CustomerPushes>();
        services.AddSingleton<CustomerWatchers>();
        services.AddHostedService<WatchRenewal>();
        services.AddSingleton<SegmentWatchers>();
        services.AddHostedService(provider => provider.GetRequiredService<SegmentWatchers>());
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
        app.UseRequestLog();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthApi();
        app.MapAuthApi();
        app.MapEventsApi();
        app.MapCustomersApi();
        app.MapSegmentsApi();
        app.MapSegmentApi();
        app.MapDestinationsApi();
        app.MapImportsApi();
        app.MapReplaysApi();
        app.MapProfileGridApiDescription();
        // A connection lives no longer than its token (a key's has no expiry): closed at the ticket's ExpiresUtc.
        app.MapHub<AgentHub>("/hubs/agents", hub => hub.CloseOnAuthenticationExpiration = true);
        // Orleans' own dashboard (silos, activations, grain calls), for operators: admin keys only.
        app.MapOrleansDashboard(CredentialSchemes.OrleansDashboardPath).RequireAuthorization(Policies.Admin).ExcludeFromDescription();
        return app;
    }
}
