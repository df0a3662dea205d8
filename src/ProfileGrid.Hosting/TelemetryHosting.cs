using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ProfileGrid.Hosting;

/// <summary>
/// OpenTelemetry for the gateway and the silo: ProfileGrid's meters and spans (<c>ProfileGrid.*</c>), Orleans' meters
/// and grain-call spans (<c>Microsoft.Orleans*</c>), ASP.NET Core's and the runtime's, and the Azure SDK's table
/// requests, with customer ids and identifiers taken out (<see cref="TelemetryRedaction"/>). It is on when an
/// exporter is configured: OTLP through the standard <c>OTEL_EXPORTER_OTLP_*</c> variables, Azure Monitor through
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> (as infra/ sets it), or both;
/// <c>ProfileGrid:Telemetry:Enabled</c> overrides that. Off, none of it is registered, so the hot path pays nothing
/// for spans nobody reads.
/// </summary>
public static class TelemetryHosting
{
    public const string EnabledKey = "ProfileGrid:Telemetry:Enabled";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string AzureMonitorKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Meters reported: ProfileGrid's and Orleans'.</summary>
    public static readonly string[] Meters = ["ProfileGrid.*", "Microsoft.Orleans"];

    /// <summary>Activity sources traced: ProfileGrid's, Orleans' grain calls, the Azure SDK's requests.</summary>
    public static readonly string[] Sources = ["ProfileGrid.*", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Azure.*"];

    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool?>(EnabledKey)
        ?? (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]) || !string.IsNullOrWhiteSpace(configuration[AzureMonitorKey]));

    /// <summary>Registers OpenTelemetry when <see cref="IsEnabled"/>; <c>OTEL_SERVICE_NAME</c> names the service, else <paramref name="serviceName"/>.</summary>
    public static IHostApplicationBuilder AddProfileGridTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var configuration = builder.Configuration;
        if (!IsEnabled(configuration)) return builder;

        // The Azure SDK creates its request spans only when asked to.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? serviceName))
            .WithMetrics(metrics => metrics.AddMeter(Meters).AddAspNetCoreInstrumentation().AddRuntimeInstrumentation())
            // The redaction goes before every exporter, which are added after it (TelemetryRedaction).
            .WithTracing(tracing => tracing.AddSource(Sources).AddAspNetCoreInstrumentation().AddProcessor(new TelemetryRedaction()));
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]))
        {
            telemetry.WithMetrics(metrics => metrics.AddOtlpExporter()).WithTracing(tracing => tracing.AddOtlpExporter());
        }

        if (configuration[AzureMonitorKey] is { Length: > 0 } connectionString)
        {
            telemetry.WithMetrics(metrics => metrics.AddAzureMonitorMetricExporter(options => options.ConnectionString = connectionString))
                .WithTracing(tracing => tracing.AddAzureMonitorTraceExporter(options => options.ConnectionString = connectionString));
        }

        return builder;
    }
}
